using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

/// <summary>The pipeline's guards, with analyzers that misbehave on purpose.</summary>
public sealed class DiagnosticsPipelineTests
{
    [Fact]
    public async Task SemanticAnalysisPastItsTimeLimit_IsAbandonedWithAnInfoMarker()
    {
        var (pipeline, sink) = Create(new HangingAnalyzer(), o =>
        {
            o.SemanticDebounce = TimeSpan.Zero;
            o.SemanticTimeLimit = TimeSpan.FromMilliseconds(100);
        });

        Assert.True(await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 1, "x")));
        var compiler = await sink.WaitForAsync(r => r.Layer == DiagnosticsLayer.Compiler, Harness.Timeout);

        var marker = Assert.Single(compiler.Markers);
        Assert.Equal(MarkerSeverity.Info, marker.Severity);
        Assert.Contains("too long", marker.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingAnalyzer_NeverThrowsToTheCaller()
    {
        var (pipeline, sink) = Create(new ThrowingAnalyzer(), o => o.SemanticDebounce = TimeSpan.Zero);

        Assert.True(await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 1, "x")));
        Assert.Empty((await sink.WaitForAsync(r => r.Layer == DiagnosticsLayer.Syntax, Harness.Timeout)).Markers);
        var compiler = await sink.WaitForAsync(r => r.Layer == DiagnosticsLayer.Compiler, Harness.Timeout);

        Assert.Equal(MarkerSeverity.Info, Assert.Single(compiler.Markers).Severity);
    }

    [Fact]
    public async Task UnknownLanguage_AndClosedSessions_AreIgnored()
    {
        var (pipeline, sink) = Create(new ThrowingAnalyzer(), o => o.SemanticDebounce = TimeSpan.FromSeconds(5));

        Assert.False(await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "notes.txt", 1, "x")));
        Assert.True(await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 1, "x")));
        pipeline.CloseSession("s");

        Assert.Single(sink.Results);
        Assert.Equal(DiagnosticsLayer.Syntax, sink.Results[0].Layer);
    }

    [Fact]
    public async Task VersionsArrivingDuringASyntaxPass_AreCoalesced_IntoOnePassOfTheNewest()
    {
        var analyzer = new GatedSyntaxAnalyzer();
        var (pipeline, sink) = Create(analyzer, o => o.SemanticDebounce = TimeSpan.FromSeconds(5));

        var first = pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 1, "v1"));
        await analyzer.Started.WaitAsync(Harness.Timeout); // version 1 is being parsed
        var waiting = Enumerable.Range(2, 4).Select(v => pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", v, $"v{v}"))).ToList();
        analyzer.Release.SetResult();

        Assert.True(await first.WaitAsync(Harness.Timeout));
        Assert.All(await Task.WhenAll(waiting).WaitAsync(Harness.Timeout), Assert.True);
        Assert.Equal([1L, 5L], analyzer.Versions);
        Assert.Equal([1L, 5L], sink.Results.Where(r => r.Layer == DiagnosticsLayer.Syntax).Select(r => r.Version));
    }

    [Fact]
    public async Task ADeliveryCarriesTheLayersPreviousMarkers()
    {
        var (pipeline, sink) = Create(new ThrowingAnalyzer(), o => o.SemanticDebounce = TimeSpan.FromSeconds(5));

        await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 1, "x"));
        await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "a.fake", 2, "y"));

        var syntax = sink.Results.Where(r => r.Layer == DiagnosticsLayer.Syntax).ToList();
        Assert.Null(syntax[0].Previous);
        Assert.Same(syntax[0].Markers, syntax[1].Previous);
    }

    [Fact]
    public async Task AddDiagnostics_RegistersAWorkingPipeline_AndTheLastRegisteredSinkWins()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Diagnostics:SemanticDebounce"] = "00:00:00.010",
            // About wiring, not speed: a cold compiler on a busy machine may take seconds.
            ["Diagnostics:SemanticTimeLimit"] = "00:00:30",
            [TestLogging.Key] = TestLogging.Level,
        });
        builder.AddDiagnostics();
        var sink = new RecordingSink();
        builder.Services.AddSingleton<IDiagnosticsSink>(sink);
        using var host = builder.Build();
        await host.StartAsync();

        var pipeline = host.Services.GetRequiredService<DiagnosticsPipeline>();
        await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "app.js", 1, "let x = 1 +;"));
        await pipeline.DocumentChangedAsync(new DocumentUpdate("s", "Program.cs", 1, "int x = \"s\";"));

        Assert.Single((await sink.WaitForAsync(r => r.File == "app.js" && r.Layer == DiagnosticsLayer.Syntax, Harness.Timeout)).Markers);
        Assert.Contains((await sink.WaitForAsync(r => r.File == "Program.cs" && r.Layer == DiagnosticsLayer.Compiler, Harness.Timeout)).Markers,
            m => m.Code == "CS0029");
        Assert.Equal(TimeSpan.FromMilliseconds(10), host.Services.GetRequiredService<IOptions<DiagnosticsOptions>>().Value.SemanticDebounce);
        await host.StopAsync();
    }

    [Fact]
    public void MarkerJson_IsMonacoShaped()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new Marker(1, 2, 3, 4, MarkerSeverity.Warning, "m", "C1", DiagnosticsLayer.Lint));

        Assert.Equal(
            """{"startLineNumber":1,"startColumn":2,"endLineNumber":3,"endColumn":4,"severity":4,"message":"m","code":"C1","source":"lint"}""",
            json);
    }

    private static (DiagnosticsPipeline Pipeline, RecordingSink Sink) Create(ILanguageAnalyzer analyzer, Action<DiagnosticsOptions> configure)
    {
        var options = new DiagnosticsOptions();
        configure(options);
        var sink = new RecordingSink();
        return (new DiagnosticsPipeline([analyzer], sink, Options.Create(options), NullLogger<DiagnosticsPipeline>.Instance), sink);
    }

    private abstract class FakeAnalyzer : ILanguageAnalyzer
    {
        public string Language => "fake";

        public bool Handles(string file) => file.EndsWith(".fake", StringComparison.Ordinal);

        public virtual ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Marker>>([]);

        public abstract Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken);

        public void Forget(string sessionId)
        {
        }
    }

    private sealed class HangingAnalyzer : FakeAnalyzer
    {
        public override async Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new SemanticMarkers([], []);
        }
    }

    /// <summary>Parses version after version, holding the first until released, and records which it saw.</summary>
    private sealed class GatedSyntaxAnalyzer : FakeAnalyzer
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<long> Versions { get; } = [];

        public override async ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken)
        {
            lock (Versions)
            {
                Versions.Add(document.Version);
            }

            _started.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return [];
        }

        public override Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
            Task.FromResult(new SemanticMarkers([], []));
    }

    private sealed class ThrowingAnalyzer : FakeAnalyzer
    {
        public override Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("analyzer bug");
    }
}
