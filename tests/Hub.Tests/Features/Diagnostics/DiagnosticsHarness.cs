using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.Hub.Features.Diagnostics.CSharp;
using LearningPlatform.Hub.Features.Diagnostics.JavaScript;
using LearningPlatform.Hub.Features.Diagnostics.Python;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

/// <summary>One warm Roslyn and one Python helper for the whole collection (warming costs seconds).</summary>
public sealed class AnalyzersFixture : IAsyncLifetime, IDisposable
{
    public static readonly IOptions<DiagnosticsOptions> DefaultOptions = Options.Create(new DiagnosticsOptions());

    public CSharpAnalyzer CSharp { get; } = new(DefaultOptions, NullLogger<CSharpAnalyzer>.Instance);

    public PythonAnalyzer Python { get; } = new(DefaultOptions, NullLogger<PythonAnalyzer>.Instance);

    public JavaScriptAnalyzer JavaScript { get; } = new(DefaultOptions);

    public async Task InitializeAsync()
    {
        await CSharp.WarmUpAsync(CancellationToken.None);
        await Python.WarmUpAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Python.Dispose();

    /// <summary>A pipeline over the shared analyzers (or fresh ones built with <paramref name="configure"/>d options).</summary>
    public Harness Pipeline(Action<DiagnosticsOptions>? configure = null)
    {
        var options = new DiagnosticsOptions();
        configure?.Invoke(options);
        var sink = new RecordingSink();
        var pipeline = new DiagnosticsPipeline(
            [CSharp, Python, JavaScript], sink, Options.Create(options), NullLogger<DiagnosticsPipeline>.Instance);
        return new Harness(pipeline, sink);
    }
}

[CollectionDefinition(Name)]
public sealed class DiagnosticsCollection : ICollectionFixture<AnalyzersFixture>
{
    public const string Name = "Diagnostics";
}

public sealed class Harness(DiagnosticsPipeline pipeline, RecordingSink sink) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public DiagnosticsPipeline Pipeline { get; } = pipeline;

    public RecordingSink Sink { get; } = sink;

    public string Session { get; } = "s-" + Guid.NewGuid().ToString("N");

    public Task<bool> Edit(string file, long version, string text, IReadOnlyList<ContentChange>? changes = null) =>
        Pipeline.DocumentChangedAsync(new DocumentUpdate(Session, file, version, text, changes));

    /// <summary>Waits (bounded) for the given layer of the given version of a file.</summary>
    public Task<DiagnosticsResult> Result(string file, long version, string layer) =>
        Sink.WaitForAsync(r => r.SessionId == Session && r.File == file && r.Version == version && r.Layer == layer, Timeout);

    public void Dispose()
    {
        Pipeline.CloseSession(Session);
        Pipeline.Dispose();
    }
}

/// <summary>Records every delivery and lets a test await one matching a condition.</summary>
public sealed class RecordingSink : IDiagnosticsSink
{
    private readonly Lock _gate = new();
    private readonly List<DiagnosticsResult> _results = [];
    private readonly List<(Func<DiagnosticsResult, bool> Match, TaskCompletionSource<DiagnosticsResult> Done)> _waiters = [];

    public IReadOnlyList<DiagnosticsResult> Results
    {
        get
        {
            lock (_gate)
            {
                return [.. _results];
            }
        }
    }

    public ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _results.Add(result);
            foreach (var waiter in _waiters.Where(w => w.Match(result)).ToList())
            {
                waiter.Done.TrySetResult(result);
                _waiters.Remove(waiter);
            }
        }

        return ValueTask.CompletedTask;
    }

    public async Task<DiagnosticsResult> WaitForAsync(Func<DiagnosticsResult, bool> match, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<DiagnosticsResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_results.FirstOrDefault(match) is { } existing)
            {
                return existing;
            }

            _waiters.Add((match, done));
        }

        return await done.Task.WaitAsync(timeout);
    }
}
