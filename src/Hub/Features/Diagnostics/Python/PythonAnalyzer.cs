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
/// parser gives the learner the exact messages they will see when the code runs. A helper
/// that times out, dies or answers garbage is killed and started again on the next request. Requests that arrive
/// while the helper works wait and go together in the next batch (one JSON array per line each way). Without a Python
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
    private const int MaxBatchRequests = 64;
    private const long MaxBatchChars = 1024 * 1024;

    private readonly List<Pending> _pending = [];
    private bool _sending;
    private Process? _process;
    private (int Pid, long Nanoseconds) _cpuSeen; // the helper's CPU time when last charged (ChargeHelperCpu)
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

    /// <remarks>
    /// The caller's time limit is not applied here: under load a request waits for the helper, and waiting is not
    /// analysing. The helper's own limit applies to each batch instead (<see cref="TimeoutException"/>).
    /// </remarks>
    public async ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
        await RequestAsync("syntax", document, CancellationToken.None) ?? Markers.None;

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
        Kill(null);
    }

    private async Task<IReadOnlyList<Marker>?> RequestAsync(string mode, DocumentSnapshot document, CancellationToken cancellationToken)
    {
        if (_unavailable || _disposed)
        {
            return null;
        }

        var request = new Pending(
            new HelperRequest(Interlocked.Increment(ref _nextId), mode, Path.GetFileName(document.File), document.Text, _options.MaxLineLength),
            new TaskCompletionSource<IReadOnlyList<Marker>?>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool send;
        lock (_pending)
        {
            _pending.Add(request);
            (send, _sending) = (!_sending, true);
        }

        if (send)
        {
            _ = SendBatchesAsync();
        }

        // A superseded request stops waiting at once; if it was sent, its answer is dropped.
        using var registration = cancellationToken.Register(static r => ((Pending)r!).Done.TrySetCanceled(), request);
        return await request.Done.Task;
    }

    /// <summary>
    /// Sends what is waiting as one batch (one line each way), then the next batch, until nothing waits. Under
    /// load many files share one round trip to the helper, so parsing does not cost a process switch per keystroke.
    /// </summary>
    private async Task SendBatchesAsync()
    {
        while (true)
        {
            List<Pending> batch = [];
            lock (_pending)
            {
                _pending.RemoveAll(p => p.Done.Task.IsCompleted);
                var chars = 0L;
                while (_pending.Count > 0 && batch.Count < MaxBatchRequests && (batch.Count == 0 || chars + _pending[0].Request.Source.Length <= MaxBatchChars))
                {
                    chars += _pending[0].Request.Source.Length;
                    batch.Add(_pending[0]);
                    _pending.RemoveAt(0);
                }

                if (batch.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }

            Dictionary<long, IReadOnlyList<Marker>>? answers;
            try
            {
                answers = await ExchangeAsync(batch);
            }
            catch (TimeoutException timeout)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(timeout);
                }

                continue;
            }
            finally
            {
                ChargeHelperCpu();
            }

            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(answers is not null && answers.TryGetValue(pending.Request.Id, out var markers) ? markers : null);
            }
        }
    }

    /// <summary>
    /// One batch to the helper and its answers by request id; null (and the helper killed) when it fails.
    /// </summary>
    /// <exception cref="TimeoutException">The helper took longer than the syntax time limit (it was killed).</exception>
    private async Task<Dictionary<long, IReadOnlyList<Marker>>?> ExchangeAsync(List<Pending> batch)
    {
        var process = _process ??= Start();
        if (process is null || _disposed)
        {
            return null;
        }

        var line = JsonSerializer.Serialize(batch.Select(p => p.Request).ToList(), PythonJson.Default.ListHelperRequest);
        // A helper that answers nothing within the syntax time limit is stuck on hostile input.
        using var limit = new CancellationTokenSource(_options.SyntaxTimeLimit);
        try
        {
            await process.StandardInput.WriteLineAsync(line.AsMemory(), limit.Token);
            await process.StandardInput.FlushAsync(limit.Token);
            var answer = await process.StandardOutput.ReadLineAsync(limit.Token);
            var responses = answer is null ? null : JsonSerializer.Deserialize(answer, PythonJson.Default.ListHelperResponse);
            if (responses is null || responses.Count != batch.Count)
            {
                Kill(answer is null ? "exited" : "answered out of turn");
                return null;
            }

            return responses.ToDictionary(r => r.Id, r => r.Markers);
        }
        catch (OperationCanceledException)
        {
            Kill("busy past the time limit");
            throw new TimeoutException($"The Python helper took longer than {_options.SyntaxTimeLimit} for a batch.");
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or ArgumentException)
        {
            Kill(ex.GetType().Name + ": " + ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The helper's parsing is diagnostics work too: its CPU time since the last look (not the wait for it) counts
    /// against the analysis thread's budget. Read from Linux's <c>/proc/PID/schedstat</c> (nanoseconds on a CPU);
    /// where that is not available the helper's time is not charged.
    /// </summary>
    private void ChargeHelperCpu()
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/schedstat");
            var end = stat.IndexOf(' ', StringComparison.Ordinal);
            if (long.TryParse(stat.AsSpan(0, end < 0 ? stat.Length : end), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds))
            {
                var (pid, seen) = _cpuSeen;
                AnalysisScheduler.Charge((long)((nanoseconds - (pid == process.Id ? seen : 0)) * (Stopwatch.Frequency / 1e9)));
                _cpuSeen = (process.Id, nanoseconds);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Not Linux, or the helper just exited.
        }
    }

    private sealed record Pending(HelperRequest Request, TaskCompletionSource<IReadOnlyList<Marker>?> Done);

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

    /// <summary>Kills the helper; <paramref name="reason"/> null when the host stops (not a fault).</summary>
    private void Kill(string? reason)
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            if (reason is null)
            {
                DiagnosticsLog.PythonStopped(_logger, process.Id);
            }
            else
            {
                DiagnosticsLog.PythonKilled(_logger, process.Id, reason);
            }

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

[JsonSerializable(typeof(List<HelperRequest>))]
[JsonSerializable(typeof(List<HelperResponse>))]
internal sealed partial class PythonJson : JsonSerializerContext;
