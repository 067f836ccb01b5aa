using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LearningPlatform.Contracts.Workbench;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics.Python;

/// <summary>
/// Python through a long-lived <c>python3 -I -S</c> helper that only calls <c>ast.parse</c> (see
/// <c>parse_helper.py</c> for the threat model): there is no Python parser for .NET on NuGet, and CPython's own
/// parser gives the learner the exact messages they will see when the code runs. Requests are serialized; a helper
/// that times out, dies or answers garbage is killed and started again on the next request. Without a Python
/// interpreter the analyzer logs one warning and returns no markers.
/// </summary>
public sealed class PythonAnalyzer : ILanguageAnalyzer, IDisposable
{
    private static readonly Lazy<string> Script = new(() =>
    {
        using var stream = typeof(PythonAnalyzer).Assembly.GetManifestResourceStream("Diagnostics.Python.parse_helper.py")
            ?? throw new InvalidOperationException("parse_helper.py is not embedded: check the Hub project file.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private readonly DiagnosticsOptions _options;
    private readonly ILogger<PythonAnalyzer> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private long _nextId;
    private bool _unavailable;
    private bool _disposed;

    public PythonAnalyzer(IOptions<DiagnosticsOptions> options, ILogger<PythonAnalyzer> logger)
    {
        _options = options.Value;
        _logger = logger;
        _unavailable = string.IsNullOrWhiteSpace(_options.PythonExecutable);
    }

    public string Language => "python";

    /// <summary>Whether the helper could be started (after <see cref="WarmUpAsync"/> or a first request).</summary>
    public bool Available => !_unavailable;

    public bool Handles(string file) => file.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    public async ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
        await RequestAsync("syntax", document, cancellationToken) ?? Markers.None;

    public async Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
        new(Compiler: null, Lint: await RequestAsync("lint", document, cancellationToken) ?? Markers.None);

    public void Forget(string sessionId)
    {
        // Stateless per session.
    }

    /// <summary>Starts the helper and parses once, so the first learner does not pay the interpreter start.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken) =>
        await RequestAsync("syntax", new DocumentSnapshot("warm-up", "warm_up.py", 1, "print('ready')\n", null,
            new Dictionary<string, string>()), cancellationToken);

    public void Dispose()
    {
        _disposed = true;
        Kill("host stopping");
    }

    private async Task<IReadOnlyList<Marker>?> RequestAsync(string mode, DocumentSnapshot document, CancellationToken cancellationToken)
    {
        if (_unavailable || _disposed)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var process = _process ??= Start();
            if (process is null)
            {
                return null;
            }

            var id = ++_nextId;
            var request = JsonSerializer.Serialize(new HelperRequest(id, mode, Path.GetFileName(document.File), document.Text, _options.MaxLineLength),
                PythonJson.Default.HelperRequest);
            var sent = Stopwatch.GetTimestamp();
            try
            {
                await process.StandardInput.WriteLineAsync(request.AsMemory(), cancellationToken);
                await process.StandardInput.FlushAsync(cancellationToken);
                while (true)
                {
                    var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
                    var response = line is null ? null : JsonSerializer.Deserialize(line, PythonJson.Default.HelperResponse);
                    if (response is not null && response.Id < id)
                    {
                        continue; // the answer to an abandoned (superseded) request
                    }

                    if (response is null || response.Id != id)
                    {
                        Kill(line is null ? "exited" : "answered out of turn");
                        return null;
                    }

                    return response.Markers;
                }
            }
            catch (OperationCanceledException)
            {
                // Superseded requests are cancelled within milliseconds: leave the helper alone, the next request
                // skips the late answer. A helper busy past the syntax time limit is stuck on hostile input.
                if (Stopwatch.GetElapsedTime(sent) >= _options.SyntaxTimeLimit)
                {
                    Kill("busy past the time limit");
                }

                throw;
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
            {
                Kill(ex.GetType().Name + ": " + ex.Message);
                return null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Process? Start()
    {
        var info = new ProcessStartInfo(_options.PythonExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        // -I: isolated (no user site, no PYTHON* variables, no current directory on sys.path); -S: no site module;
        // -B: never write bytecode.
        foreach (var argument in new[] { "-I", "-S", "-B", "-c", Script.Value, _options.PythonHelperMemoryMb.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    DiagnosticsLog.PythonStderr(_logger, line);
                }
            };
            process.BeginErrorReadLine();
            DiagnosticsLog.PythonStarted(_logger, process.Id);
            // Parsing competes with edits for the CPU: it runs at the diagnostics threads' lower priority.
            try
            {
                process.PriorityClass = _options.PythonHelperPriority;
            }
            catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
            {
                DiagnosticsLog.ReniceFailed(_logger, ex, process.Id, _options.PythonHelperPriority);
            }

            return process;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            _unavailable = true;
            DiagnosticsLog.PythonUnavailable(_logger, ex, _options.PythonExecutable);
            return null;
        }
    }

    private void Kill(string reason)
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            DiagnosticsLog.PythonKilled(_logger, process.Id, reason);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }
}

internal sealed record HelperRequest(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("maxLineLength")] int MaxLineLength);

internal sealed record HelperResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("markers")] IReadOnlyList<Marker> Markers);

[JsonSerializable(typeof(HelperRequest))]
[JsonSerializable(typeof(HelperResponse))]
internal sealed partial class PythonJson : JsonSerializerContext;
