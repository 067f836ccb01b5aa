using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using LearningPlatform.Contracts.Workbench;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics.CSharp;

/// <summary>
/// C# in process with Roslyn. Each session keeps one <see cref="CSharpCompilation"/> of all its .cs files, derived
/// from a warm template so the shared reference set is bound once per process; each file keeps its last syntax tree
/// and re-parses incrementally. Nothing is emitted or run; no analyzers, generators or MSBuild of the learner's.
/// </summary>
public sealed class CSharpAnalyzer : ILanguageAnalyzer
{
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(OutputKind.ConsoleApplication)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        // One analysis uses one core: the pipeline, not Roslyn, decides how many run at once.
        .WithConcurrentBuild(false)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            // Version unification of xunit's netstandard facades, silenced by the SDK too.
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
            // A session may be a library plus tests, without a Main.
            ["CS5001"] = ReportDiagnostic.Suppress,
        });

    private static readonly SyntaxTree UsingsTree = GlobalUsings(test: false);
    private static readonly SyntaxTree TestUsingsTree = GlobalUsings(test: true);
    private static readonly ImmutableArray<DiagnosticAnalyzer> LintAnalyzers = [new LearnerLintAnalyzer()];
    private static readonly CompilationWithAnalyzersOptions LintOptions = new(
        options: new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);

    private static readonly ConditionalWeakTable<SyntaxTree, DepthCheck> DepthChecks = new();

    // Per process, like the references: every session's compilation derives from it and shares its bound
    // reference manager, so only the first compilation of the process pays for loading the references.
    private static readonly Lazy<CSharpCompilation> Template = new(
        () => CSharpCompilation.Create("Learner", [], CSharpReferences.All, CompilationOptions));

    private readonly DiagnosticsOptions _options;
    private readonly ILogger<CSharpAnalyzer> _logger;
    private readonly ConcurrentDictionary<string, Workspace> _workspaces = new(StringComparer.Ordinal);

    public CSharpAnalyzer(IOptions<DiagnosticsOptions> options, ILogger<CSharpAnalyzer> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public string Language => "csharp";

    public bool Handles(string file) => file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);

    public ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken)
    {
        var workspace = GetWorkspace(document.SessionId);
        FileTree file;
        lock (workspace.Gate)
        {
            file = workspace.Update(document.File, document.Version, document.Text, document.Changes);
        }

        var markers = SyntaxMarkers(file.Tree, cancellationToken);
        if (FindTooDeep(file.Tree.GetRoot(cancellationToken), _options.MaxNestingDepth, cancellationToken) is { } deep)
        {
            markers.Add(ToMarker(deep.GetLocation(), DiagnosticSeverity.Error,
                $"Code is nested more than {_options.MaxNestingDepth} levels deep; it is too complex to check.", "LP9001", DiagnosticsLayer.Syntax));
        }

        return ValueTask.FromResult<IReadOnlyList<Marker>>(markers);
    }

    public Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken) =>
        SemanticCoreAsync(document, cancellationToken);

    public void Forget(string sessionId) => _workspaces.TryRemove(sessionId, out _);

    /// <summary>
    /// Binds the reference set and JITs the parser, binder and analyzer driver (1.4–3.5 s on a cold process), so
    /// that the first learner's keystroke is as fast as the next.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        const string Sample = """
            public class Calculator
            {
                public int Add(int a, int b) => a + b;
            }

            public class CalculatorTests
            {
                [Fact]
                public async Task Adds()
                {
                    var items = new List<int> { 1, 2 }.Select(i => i * 2).ToArray();
                    await Task.Yield();
                    Assert.Equal(3, new Calculator().Add(1, 2));
                    try { File.Exists("x"); } catch { }
                }
            }
            """;
        var session = "warm-up:" + Guid.NewGuid().ToString("N");
        var files = new Dictionary<string, string> { ["CalculatorTests.cs"] = Sample };
        try
        {
            await SyntaxAsync(new DocumentSnapshot(session, "CalculatorTests.cs", 1, Sample, null, files), cancellationToken);
            var edited = Sample.Replace("1, 2)", "1, 3)", StringComparison.Ordinal);
            files["CalculatorTests.cs"] = edited;
            var snapshot = new DocumentSnapshot(session, "CalculatorTests.cs", 2, edited, null, files);
            await SyntaxAsync(snapshot, cancellationToken);
            await SemanticAsync(snapshot, cancellationToken);
        }
        finally
        {
            Forget(session);
        }
    }

    private async Task<SemanticMarkers> SemanticCoreAsync(DocumentSnapshot document, CancellationToken cancellationToken)
    {
        var workspace = GetWorkspace(document.SessionId);
        CSharpCompilation compilation;
        SyntaxTree tree;
        lock (workspace.Gate)
        {
            if (workspace.Trees.TryGetValue(document.File, out var current) && current.Version > document.Version)
            {
                // A newer version was parsed already: this result could only be stale.
                return new SemanticMarkers(null, null);
            }

            tree = workspace.Update(document.File, document.Version, document.Text, null).Tree;
            foreach (var (name, text) in document.Files)
            {
                if (name != document.File && Handles(name))
                {
                    workspace.Update(name, workspace.Trees.GetValueOrDefault(name)?.Version ?? 0, text, null);
                }
            }

            foreach (var name in workspace.Trees.Keys.Where(n => n != document.File && !document.Files.ContainsKey(n)).ToList())
            {
                workspace.Trees.Remove(name);
            }

            compilation = workspace.Sync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (FindTooDeep(tree.GetRoot(cancellationToken), _options.MaxNestingDepth, cancellationToken) is not null)
        {
            // Binding very deep trees is where the compiler's recursion is costly: the syntax layer already said why.
            return new SemanticMarkers(
                [Markers.Note(DiagnosticsLayer.Compiler, "Compiler check skipped: the code is nested too deeply.")], Markers.None);
        }

        // Declaration + method-body diagnostics only: parse errors are the syntax layer's and are not repeated here.
        var model = compilation.GetSemanticModel(tree);
        var compiler = ToMarkers(model.GetDeclarationDiagnostics(cancellationToken: cancellationToken), DiagnosticsLayer.Compiler);
        compiler.AddRange(ToMarkers(model.GetMethodBodyDiagnostics(cancellationToken: cancellationToken), DiagnosticsLayer.Compiler));

        var withAnalyzers = compilation.WithAnalyzers(LintAnalyzers, LintOptions);
        var lint = await withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(tree, cancellationToken);
        return new SemanticMarkers(Cap(compiler), Cap(ToMarkers(lint, DiagnosticsLayer.Lint)));
    }

    private List<Marker> Cap(List<Marker> markers)
    {
        if (markers.Count > _options.MaxMarkers)
        {
            markers.RemoveRange(_options.MaxMarkers, markers.Count - _options.MaxMarkers);
        }

        return markers;
    }

    private Workspace GetWorkspace(string sessionId)
    {
        if (_workspaces.TryGetValue(sessionId, out var existing))
        {
            existing.LastUsed = Environment.TickCount64;
            return existing;
        }

        var workspace = _workspaces.GetOrAdd(sessionId, _ => new Workspace(Template.Value.AddSyntaxTrees(UsingsTree), UsingsTree));
        if (_workspaces.Count > _options.MaxCSharpSessions)
        {
            // Rare (only past the cap), so a linear scan beats keeping an LRU list on every keystroke.
            var oldest = _workspaces.Where(w => w.Key != sessionId).MinBy(w => w.Value.LastUsed);
            if (oldest.Key is not null && _workspaces.TryRemove(oldest.Key, out _))
            {
                DiagnosticsLog.CSharpSessionEvicted(_logger, oldest.Key);
            }
        }

        return workspace;
    }

    /// <summary>
    /// Parse diagnostics with one correction. Roslyn places a "X expected" error at the end of the previous token
    /// when a line break follows it, else on the next token; an incremental re-parse that reuses the previous token
    /// forgets the line break and reports on the next token (often the next line). Applying the full-parse rule
    /// here keeps markers identical whichever way the tree was made.
    /// </summary>
    private List<Marker> SyntaxMarkers(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);
        if (!root.ContainsDiagnostics)
        {
            return [];
        }

        var moved = new Dictionary<Diagnostic, Location>();
        foreach (var token in root.DescendantTokens(n => n.ContainsDiagnostics))
        {
            if (!token.IsMissing || !token.ContainsDiagnostics)
            {
                continue;
            }

            var previous = token.GetPreviousToken();
            if (previous.RawKind != 0 && previous.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                foreach (var diagnostic in tree.GetDiagnostics(token))
                {
                    moved[diagnostic] = Location.Create(tree, new TextSpan(previous.Span.End, 0));
                }
            }
        }

        var markers = new List<Marker>();
        foreach (var diagnostic in tree.GetDiagnostics(cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Hidden)
            {
                continue;
            }

            markers.Add(ToMarker(moved.GetValueOrDefault(diagnostic, diagnostic.Location), diagnostic.Severity,
                diagnostic.GetMessage(CultureInfo.InvariantCulture), diagnostic.Id, DiagnosticsLayer.Syntax));
            if (markers.Count >= _options.MaxMarkers)
            {
                break;
            }
        }

        return markers;
    }

    private List<Marker> ToMarkers(IEnumerable<Diagnostic> diagnostics, string layer)
    {
        var markers = new List<Marker>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Hidden || !diagnostic.Location.IsInSource)
            {
                continue;
            }

            markers.Add(ToMarker(diagnostic.Location, diagnostic.Severity, diagnostic.GetMessage(CultureInfo.InvariantCulture), diagnostic.Id, layer));
            if (markers.Count >= _options.MaxMarkers)
            {
                break;
            }
        }

        return markers;
    }

    private static Marker ToMarker(Location location, DiagnosticSeverity severity, string message, string code, string layer)
    {
        var span = location.GetLineSpan();
        return new Marker(
            span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1,
            severity switch
            {
                DiagnosticSeverity.Error => MarkerSeverity.Error,
                DiagnosticSeverity.Warning => MarkerSeverity.Warning,
                DiagnosticSeverity.Info => MarkerSeverity.Info,
                _ => MarkerSeverity.Hint,
            },
            message, code, layer);
    }

    /// <summary>
    /// First node deeper than <paramref name="maxDepth"/>, walking iteratively (no recursion to exhaust). Remembered
    /// per tree: the semantic layer asks again about the tree the syntax layer just walked.
    /// </summary>
    internal static SyntaxNode? FindTooDeep(SyntaxNode root, int maxDepth, CancellationToken cancellationToken)
    {
        var tree = root.SyntaxTree;
        if (DepthChecks.TryGetValue(tree, out var known) && known.MaxDepth == maxDepth)
        {
            return known.Node;
        }

        var found = WalkTooDeep(root, maxDepth, cancellationToken);
        DepthChecks.AddOrUpdate(tree, new DepthCheck(maxDepth, found));
        return found;
    }

    private sealed record DepthCheck(int MaxDepth, SyntaxNode? Node);

    private static SyntaxNode? WalkTooDeep(SyntaxNode root, int maxDepth, CancellationToken cancellationToken)
    {
        var stack = new Stack<(SyntaxNode Node, int Depth)>();
        stack.Push((root, 1));
        var visited = 0;
        while (stack.TryPop(out var entry))
        {
            if (entry.Depth > maxDepth)
            {
                return entry.Node;
            }

            if ((++visited & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            foreach (var child in entry.Node.ChildNodes())
            {
                stack.Push((child, entry.Depth + 1));
            }
        }

        return null;
    }

    private static SyntaxTree GlobalUsings(bool test)
    {
        var usings = test ? CSharpReferences.ImplicitUsings.Add(CSharpReferences.TestUsing) : CSharpReferences.ImplicitUsings;
        var text = string.Concat(usings.Select(u => $"global using global::{u};\n"));
        return CSharpSyntaxTree.ParseText(text, ParseOptions, path: "GlobalUsings.g.cs");
    }

    private static bool IsTestFile(string file, string text) =>
        file.EndsWith("Tests.cs", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith("Test.cs", StringComparison.OrdinalIgnoreCase)
        || text.Contains("[Fact", StringComparison.Ordinal)
        || text.Contains("[Theory", StringComparison.Ordinal);

    private sealed record FileTree(SyntaxTree Tree, long Version, string Text);

    private sealed class Workspace(CSharpCompilation compilation, SyntaxTree usings)
    {
        private readonly Dictionary<string, SyntaxTree> _compiled = new(StringComparer.Ordinal);
        private CSharpCompilation _compilation = compilation;
        private SyntaxTree _usings = usings;

        public Lock Gate { get; } = new();
        public Dictionary<string, FileTree> Trees { get; } = new(StringComparer.Ordinal);
        public long LastUsed { get; set; } = Environment.TickCount64;

        /// <summary>The file's tree for <paramref name="text"/>, re-parsed incrementally from the previous one.</summary>
        public FileTree Update(string file, long version, string text, IReadOnlyList<ContentChange>? changes)
        {
            if (Trees.TryGetValue(file, out var previous))
            {
                if (ReferenceEquals(previous.Text, text) || string.Equals(previous.Text, text, StringComparison.Ordinal))
                {
                    return previous.Version == version ? previous : Trees[file] = previous with { Version = Math.Max(version, previous.Version) };
                }

                var oldText = previous.Tree.GetText();
                var newText = ApplyMonacoChanges(oldText, changes, text) ?? oldText.WithChanges(Diff(previous.Text, text));
                return Trees[file] = new FileTree(previous.Tree.WithChangedText(newText), version, text);
            }

            var tree = CSharpSyntaxTree.ParseText(SourceText.From(text), ParseOptions, path: file);
            return Trees[file] = new FileTree(tree, version, text);
        }

        /// <summary>Brings the compilation up to date with <see cref="Trees"/> (only changed trees are replaced).</summary>
        public CSharpCompilation Sync()
        {
            var compilation = _compilation;
            var usings = Trees.Any(t => IsTestFile(t.Key, t.Value.Text)) ? TestUsingsTree : UsingsTree;
            if (!ReferenceEquals(usings, _usings))
            {
                compilation = compilation.ReplaceSyntaxTree(_usings, usings);
                _usings = usings;
            }

            foreach (var (file, current) in Trees)
            {
                if (!_compiled.TryGetValue(file, out var compiled))
                {
                    compilation = compilation.AddSyntaxTrees(current.Tree);
                }
                else if (!ReferenceEquals(compiled, current.Tree))
                {
                    compilation = compilation.ReplaceSyntaxTree(compiled, current.Tree);
                }

                _compiled[file] = current.Tree;
            }

            foreach (var file in _compiled.Keys.Where(f => !Trees.ContainsKey(f)).ToList())
            {
                compilation = compilation.RemoveSyntaxTrees(_compiled[file]);
                _compiled.Remove(file);
            }

            return _compilation = compilation;
        }

        /// <summary>
        /// The previous text with Monaco's changes applied, or <c>null</c> when they are absent, malformed or do not
        /// produce <paramref name="expected"/> (a lost or reordered edit): the caller then diffs instead.
        /// </summary>
        private static SourceText? ApplyMonacoChanges(SourceText oldText, IReadOnlyList<ContentChange>? changes, string expected)
        {
            if (changes is not { Count: > 0 })
            {
                return null;
            }

            // Monaco's changes of one event all refer to the previous version; Roslyn wants them ordered and disjoint.
            var ordered = changes.OrderBy(c => c.RangeOffset).ToArray();
            var end = 0;
            var textChanges = new TextChange[ordered.Length];
            for (var i = 0; i < ordered.Length; i++)
            {
                var change = ordered[i];
                if (change.RangeOffset < end || change.RangeLength < 0 || change.RangeOffset + change.RangeLength > oldText.Length)
                {
                    return null;
                }

                end = change.RangeOffset + change.RangeLength;
                textChanges[i] = new TextChange(new TextSpan(change.RangeOffset, change.RangeLength), change.Text ?? "");
            }

            var newText = oldText.WithChanges(textChanges);
            return newText.Length == expected.Length && ContentEquals(newText, expected) ? newText : null;
        }

        /// <summary>One change covering what differs between the common prefix and the common suffix.</summary>
        private static TextChange Diff(string oldText, string newText)
        {
            var prefix = oldText.AsSpan().CommonPrefixLength(newText);
            var maxSuffix = Math.Min(oldText.Length, newText.Length) - prefix;
            var suffix = 0;
            while (suffix < maxSuffix && oldText[oldText.Length - 1 - suffix] == newText[newText.Length - 1 - suffix])
            {
                suffix++;
            }

            return new TextChange(
                new TextSpan(prefix, oldText.Length - prefix - suffix),
                newText.Substring(prefix, newText.Length - prefix - suffix));
        }

        private static bool ContentEquals(SourceText text, string expected)
        {
            var buffer = ArrayPool<char>.Shared.Rent(4096);
            try
            {
                for (var position = 0; position < expected.Length; position += buffer.Length)
                {
                    var count = Math.Min(buffer.Length, expected.Length - position);
                    text.CopyTo(position, buffer, 0, count);
                    if (!buffer.AsSpan(0, count).SequenceEqual(expected.AsSpan(position, count)))
                    {
                        return false;
                    }
                }

                return true;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
    }
}
