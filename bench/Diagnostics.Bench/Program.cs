// Live diagnostics benchmark: a ~200-line C# file, warm, typed into one character at a time.
//   dotnet run -c Release --project bench/Diagnostics.Bench [-- keystrokes]
// Prints p50/p95/p99 of (1) the analysis itself: keystroke -> syntax markers and keystroke -> compiler markers
// (incremental parse, ReplaceSyntaxTree, semantic diagnostics of the edited tree; plus lint separately), and
// (2) end to end through DiagnosticsPipeline with the default 150 ms debounce, as the hub would see it.
using System.Diagnostics;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Diagnostics.Bench;
using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.Hub.Features.Diagnostics.CSharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var keystrokes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400;
var options = Options.Create(new DiagnosticsOptions());
var analyzer = new CSharpAnalyzer(options, NullLogger<CSharpAnalyzer>.Instance);
var source = SampleFile.Build();
Console.WriteLine($"File: {source.Split('\n').Length} lines, {source.Length} chars; {keystrokes} keystrokes; {Environment.ProcessorCount} cores");

var warm = Stopwatch.StartNew();
await analyzer.WarmUpAsync(CancellationToken.None);
Console.WriteLine($"Warm-up: {warm.ElapsedMilliseconds} ms");

// (1) The analysis itself, layer by layer, on one session.
{
    var typing = new Typist(source, seed: 1);
    var session = "bench";
    var version = 1L;
    var syntax = new List<double>();
    var semantic = new List<double>();
    await Analyze(typing.Text, null, measure: false);
    for (var i = 0; i < 100; i++)
    {
        var (t, c) = typing.Next();
        await Analyze(t, c, measure: false);
    }

    for (var i = 0; i < keystrokes; i++)
    {
        var (t, c) = typing.Next();
        await Analyze(t, c, measure: true);
    }

    Report("analysis: keystroke -> syntax markers", syntax);
    Report("analysis: keystroke -> compiler + lint markers", semantic);

    async Task Analyze(string text, ContentChange[]? changes, bool measure)
    {
        var snapshot = new DocumentSnapshot(session, "Library.cs", ++version, text, changes, new Dictionary<string, string> { ["Library.cs"] = text });
        var start = Stopwatch.GetTimestamp();
        await analyzer.SyntaxAsync(snapshot, CancellationToken.None);
        var afterSyntax = Stopwatch.GetTimestamp();
        await analyzer.SemanticAsync(snapshot, CancellationToken.None);
        var afterSemantic = Stopwatch.GetTimestamp();
        if (measure)
        {
            syntax.Add(Stopwatch.GetElapsedTime(start, afterSyntax).TotalMilliseconds);
            semantic.Add(Stopwatch.GetElapsedTime(afterSyntax, afterSemantic).TotalMilliseconds);
        }
    }
}

// (1b) Where the compiler layer's time goes, with Roslyn's API directly (same options as the analyzer).
{
    var typing = new Typist(source, seed: 3);
    var parse = Microsoft.CodeAnalysis.CSharp.CSharpParseOptions.Default.WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
    var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, parse, "Library.cs");
    var usings = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("global using global::System; global using global::System.Collections.Generic; global using global::System.Linq; global using global::System.Threading; global using global::System.Threading.Tasks;", parse);
    var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("B", [usings, tree], Basic.Reference.Assemblies.Net100.References.All,
        new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, concurrentBuild: false, nullableContextOptions: Microsoft.CodeAnalysis.NullableContextOptions.Enable));
    compilation.GetDiagnostics();
    var lintAnalyzer = (Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer)Activator.CreateInstance(
        typeof(CSharpAnalyzer).Assembly.GetType("LearningPlatform.Hub.Features.Diagnostics.CSharp.LearnerLintAnalyzer", throwOnError: true)!)!;
    var declare = new List<double>();
    var body = new List<double>();
    var all = new List<double>();
    for (var i = 0; i < keystrokes; i++)
    {
        var (_, changes) = typing.Next();
        var c = changes[0];
        var newTree = tree.WithChangedText(tree.GetText().WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(c.RangeOffset, c.RangeLength), c.Text)));
        compilation = compilation.ReplaceSyntaxTree(tree, newTree);
        tree = newTree;
        var model = compilation.GetSemanticModel(tree);
        var t0 = Stopwatch.GetTimestamp();
        model.GetDeclarationDiagnostics();
        var t1 = Stopwatch.GetTimestamp();
        model.GetMethodBodyDiagnostics();
        var t2 = Stopwatch.GetTimestamp();
        await Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerExtensions.WithAnalyzers(compilation, [lintAnalyzer], new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
            new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None);
        var t3 = Stopwatch.GetTimestamp();
        if (i >= 50)
        {
            declare.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            body.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            all.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        }
    }

    Report("roslyn: declaration diagnostics", declare);
    Report("roslyn: method body diagnostics", body);
    Report("roslyn: lint (CompilationWithAnalyzers, syntax-tree actions)", all);
}

// (2) End to end through the pipeline: each keystroke waits for its compiler markers (a pause in typing).
{
    var sink = new TimingSink();
    using var pipeline = new DiagnosticsPipeline([analyzer], sink, options, NullLogger<DiagnosticsPipeline>.Instance);
    var typing = new Typist(source, seed: 2);
    var syntax = new List<double>();
    var compiler = new List<double>();
    var count = Math.Min(keystrokes, 200);
    for (var version = 1; version <= count + 20; version++)
    {
        var (text, changes) = version == 1 ? (typing.Text, null) : typing.Next();
        var waitCompiler = sink.Expect(version, DiagnosticsLayer.Compiler);
        var start = Stopwatch.GetTimestamp();
        await pipeline.DocumentChangedAsync(new DocumentUpdate("e2e", "Library.cs", version, text, changes));
        var syntaxAt = sink.DeliveredAt(version, DiagnosticsLayer.Syntax);
        var compilerAt = await waitCompiler.WaitAsync(TimeSpan.FromSeconds(30));
        if (version > 20)
        {
            syntax.Add(Stopwatch.GetElapsedTime(start, syntaxAt).TotalMilliseconds);
            compiler.Add(Stopwatch.GetElapsedTime(start, compilerAt).TotalMilliseconds);
        }
    }

    Report("end to end: keystroke -> syntax markers delivered", syntax);
    Report($"end to end: keystroke -> compiler markers delivered (incl. {options.Value.SemanticDebounce.TotalMilliseconds} ms debounce)", compiler);
    Report("end to end: the same minus the debounce", [.. compiler.Select(c => c - options.Value.SemanticDebounce.TotalMilliseconds)]);
}

static void Report(string name, List<double> samples)
{
    samples.Sort();
    double P(double p) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(p * samples.Count) - 1)];
    Console.WriteLine($"{name,-80} n={samples.Count,4}  p50 {P(0.50),7:F2} ms  p95 {P(0.95),7:F2} ms  p99 {P(0.99),7:F2} ms  max {samples[^1],7:F2} ms");
}

/// <summary>One-character edits at varying positions inside method bodies: insert a letter, then delete it.</summary>
internal sealed class Typist(string text, int seed)
{
    private readonly Random _random = new(seed);
    private int? _pending;

    public string Text { get; private set; } = text;

    public (string Text, ContentChange[] Changes) Next()
    {
        ContentChange change;
        if (_pending is { } at)
        {
            change = new ContentChange(at, 1, "");
            _pending = null;
        }
        else
        {
            // Somewhere inside an identifier of a statement: realistic, and it makes the compiler work.
            int position;
            do
            {
                position = _random.Next(Text.Length / 10, Text.Length - 10);
            }
            while (!char.IsLetter(Text[position]) || !char.IsLetter(Text[position - 1]));
            change = new ContentChange(position, 0, "q");
            _pending = position;
        }

        Text = Text[..change.RangeOffset] + change.Text + Text[(change.RangeOffset + change.RangeLength)..];
        return (Text, [change]);
    }
}

internal sealed class TimingSink : IDiagnosticsSink
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(long, string), long> _delivered = [];
    private readonly Dictionary<(long, string), TaskCompletionSource<long>> _waiters = [];

    public Task<long> Expect(long version, string layer)
    {
        lock (_gate)
        {
            var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[(version, layer)] = done;
            return done.Task;
        }
    }

    public long DeliveredAt(long version, string layer)
    {
        lock (_gate)
        {
            return _delivered[(version, layer)];
        }
    }

    public ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _delivered[(result.Version, result.Layer)] = now;
            if (_waiters.Remove((result.Version, result.Layer), out var waiter))
            {
                waiter.TrySetResult(now);
            }
        }

        return ValueTask.CompletedTask;
    }
}
