using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using Basic.Reference.Assemblies;
using LearningPlatform.Contracts.Runs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Languages.CSharp;

/// Compiles learners' C# in process with Roslyn: a fixed reference set (the .NET 10 reference assemblies, and the
/// real xunit assemblies for tests), no analyzers, no generators, no MSBuild, so no code of the submission runs here.
/// Time-limited, size-limited, and on a thread with a large stack.
///
/// Two assemblies: the solution files alone into Solution.dll (no xunit reference), then the test files into
/// Tests.dll against the solution's emitted image. Hidden checks load only Solution.dll. A solution type can still
/// hide a test-framework type from the tests (C# looks up the types of the code's own and enclosing namespaces, in
/// every referenced assembly, before the usings' namespaces: a global <c>Assert</c> in Solution.dll beats
/// <c>using Xunit;</c>), so two rules give CS_SHADOW: no solution type in a namespace Xunit/System/Microsoft (or
/// named like one), and no simple name in the test code that resolves into the solution while an xunit type has
/// that name (checked on the tests' semantic model: only names the tests really bind are refused; the tests can
/// still reach such a solution type explicitly, e.g. <c>global::Record</c>).
internal sealed class CSharpCompiler
{
    internal const string SolutionAssemblyName = "Solution";
    internal const string TestsAssemblyName = "Tests";

    // What an ordinary project has as implicit usings (SDK defaults); the tests also get the xunit template's
    // <Using Include="Xunit" />. The solution's internals are visible to the tests, as within one project.
    private const string SdkUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;

        """;

    private const string SolutionUsings = SdkUsings + """[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Tests")]""";

    private const string TestUsings = SdkUsings + "global using Xunit;";

    // What the Exercism.Tests package gives Exercism's test files: [Task(n)] on each test of a concept exercise
    // (`using Exercism.Tests;`). Compiled into the tests; the harness reports the number as the test's task.
    private const string ExercismTests = """
        namespace Exercism.Tests
        {
            [System.AttributeUsage(System.AttributeTargets.Method)]
            public sealed class TaskAttribute(int number) : System.Attribute
            {
                public int Number { get; } = number;
            }
        }
        """;

    private static readonly System.Reflection.Assembly[] XunitAssemblies =
    [
        typeof(Xunit.Assert).Assembly,
        typeof(Xunit.FactAttribute).Assembly,
        typeof(Xunit.Abstractions.ITestOutputHelper).Assembly,
    ];

    private static readonly ImmutableArray<MetadataReference> FrameworkReferences = [.. Net100.References.All];

    private static readonly ImmutableArray<MetadataReference> TestReferences =
    [
        .. FrameworkReferences,
        .. XunitAssemblies.Select(a => MetadataReference.CreateFromFile(a.Location)),
    ];

    /// Namespaces a solution type may not be declared in (nor be named like: a type <c>Xunit</c> would hide them too).
    private static readonly string[] ReservedNamespaces = ["Xunit", "System", "Microsoft"];

    /// Simple name -> full name of every public xunit type (generic arity dropped; attributes also without
    /// "Attribute", as <c>[Fact]</c> is written), taken from the referenced xunit assemblies.
    internal static readonly FrozenDictionary<string, string> XunitTypeNames = XunitAssemblies
        .SelectMany(a => a.GetExportedTypes())
        .Where(t => !t.IsNested)
        .SelectMany(t =>
        {
            var name = t.Name.Split('`')[0];
            var full = t.Namespace + "." + name;
            return name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > "Attribute".Length
                ? new[] { (name, full), (name[..^"Attribute".Length], full) }
                : [(name, full)];
        })
        .Append(("Xunit", "Xunit"))
        .GroupBy(p => p.Item1, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private readonly CSharpOptions _o;
    private readonly SemaphoreSlim _gate;

    public CSharpCompiler(IOptions<CSharpOptions> options)
    {
        _o = options.Value;
        _gate = new SemaphoreSlim(_o.MaxConcurrentCompilations);
    }

    /// <param name="Solution">Solution.dll, or null when compilation failed.</param>
    /// <param name="Tests">Tests.dll, or null when failed or when there are no test files (a check-only run).</param>
    internal sealed record Output(byte[]? Solution, byte[]? Tests, IReadOnlyList<CompileDiagnostic> Diagnostics, IReadOnlyList<string> TestKeys,
        IReadOnlyDictionary<string, string> TestCode, long ElapsedMs)
    {
        public bool Success => Solution is not null;
    }

    public async Task<Output> CompileAsync(IReadOnlyList<RunFile> files, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_o.CompileTimeoutMs);
            var tcs = new TaskCompletionSource<Output>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    tcs.SetResult(Compile(files, timeout.Token));
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    tcs.SetResult(Failed(files[0].Name, "CS_TIMEOUT", $"compilation took longer than {_o.CompileTimeoutMs} ms", 0));
                }
                catch (Exception e)
                {
                    tcs.SetException(e);
                }
            }, maxStackSize: 256 << 20)
            { IsBackground = true, Name = "roslyn-compile" };
            thread.Start();
            return await tcs.Task;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Output Failed(string file, string code, string message, long ms) =>
        new(null, null, [new CompileDiagnostic(file, 1, 1, "error", code, message)], [], new Dictionary<string, string>(), ms);

    private static CSharpCompilationOptions CompilationOptions(OutputKind kind) => new(
        kind,
        optimizationLevel: OptimizationLevel.Debug,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: false,
        concurrentBuild: false,
        deterministic: true,
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
        {
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    private static readonly EmitOptions EmitWithPdb = new(debugInformationFormat: DebugInformationFormat.Embedded);

    private Output Compile(IReadOnlyList<RunFile> files, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        foreach (var f in files)
        {
            var (depth, line) = MaxNesting(f.Content);
            if (depth > _o.MaxNesting)
            {
                return new Output(null, null, [new CompileDiagnostic(f.Name, line, 1, "error", "CS_NESTING",
                    $"nesting deeper than {_o.MaxNesting} levels is not accepted")], [], new Dictionary<string, string>(), sw.ElapsedMilliseconds);
            }
        }
        SyntaxTree Parse(string text, string path) =>
            CSharpSyntaxTree.ParseText(text, ParseOptions, path: path, encoding: System.Text.Encoding.UTF8, cancellationToken: ct);
        var solutionTrees = files.Where(f => !f.IsTest).Select(f => Parse(f.Content, f.Name)).ToList();
        var testTrees = files.Where(f => f.IsTest).Select(f => Parse(f.Content, f.Name)).ToList();
        var (keys, code) = Tests(testTrees);
        var hasTests = testTrees.Count > 0;

        // A solution written as a program (top-level statements) is compiled as one; hidden checks call its Main.
        var program = solutionTrees.Any(t => t.GetRoot(ct) is CompilationUnitSyntax cu && cu.Members.Any(m => m is GlobalStatementSyntax));
        var solution = CSharpCompilation.Create(
            SolutionAssemblyName,
            [.. solutionTrees, Parse(SolutionUsings, "GlobalUsings.g.cs")],
            FrameworkReferences,
            CompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary));
        using var solutionPe = new MemoryStream();
        var solutionResult = solution.Emit(solutionPe, options: EmitWithPdb, cancellationToken: ct);
        var diagnostics = new List<Diagnostic>(solutionResult.Diagnostics);
        var shadows = solutionResult.Success ? ReservedNamespaceUse(solution) : [];
        if (!solutionResult.Success || shadows.Count > 0)
        {
            // Still show what the tests would say about this solution (a method they call that is missing...).
            if (hasTests)
            {
                diagnostics.AddRange(TestCompilation(testTrees, Parse, solution.ToMetadataReference()).GetDiagnostics(ct));
            }
            return new Output(null, null, Report(diagnostics, shadows), keys, code, sw.ElapsedMilliseconds);
        }
        if (solutionPe.Length > _o.MaxAssemblyBytes)
        {
            return new Output(null, null, [SizeError(files[0].Name), .. Report(diagnostics)], keys, code, sw.ElapsedMilliseconds);
        }
        var solutionImage = solutionPe.ToArray();
        if (!hasTests)
        {
            return new Output(solutionImage, null, Report(diagnostics), keys, code, sw.ElapsedMilliseconds);
        }

        var solutionReference = MetadataReference.CreateFromImage(solutionImage);
        var tests = TestCompilation(testTrees, Parse, solutionReference);
        using var testsPe = new MemoryStream();
        var testsResult = tests.Emit(testsPe, options: EmitWithPdb, cancellationToken: ct);
        diagnostics.AddRange(testsResult.Diagnostics);
        // Also when the tests do not compile: "Assert does not contain Null" is better explained by the shadowing.
        shadows = Shadowing(tests, testTrees, solutionReference, solution, ct);
        if (!testsResult.Success || shadows.Count > 0)
        {
            return new Output(null, null, Report(diagnostics, shadows), keys, code, sw.ElapsedMilliseconds);
        }
        if (testsPe.Length > _o.MaxAssemblyBytes)
        {
            return new Output(null, null, [SizeError(testTrees[0].FilePath), .. Report(diagnostics)], keys, code, sw.ElapsedMilliseconds);
        }
        return new Output(solutionImage, testsPe.ToArray(), Report(diagnostics), keys, code, sw.ElapsedMilliseconds);
    }

    private static CSharpCompilation TestCompilation(List<SyntaxTree> testTrees, Func<string, string, SyntaxTree> parse, MetadataReference solution) =>
        CSharpCompilation.Create(
            TestsAssemblyName,
            [.. testTrees, parse(TestUsings, "GlobalUsings.g.cs"), parse(ExercismTests, "ExercismTests.g.cs")],
            [.. TestReferences, solution],
            CompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    private CompileDiagnostic SizeError(string file) =>
        new(file, 1, 1, "error", "CS_SIZE", $"the compiled assembly is larger than {_o.MaxAssemblyBytes} bytes");

    private List<CompileDiagnostic> Report(IEnumerable<Diagnostic> diagnostics, IEnumerable<CompileDiagnostic>? first = null) =>
    [
        .. (first ?? []).Concat(diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .OrderByDescending(d => d.Severity)
            .Select(ToContract))
            .Take(_o.MaxDiagnostics),
    ];

    private static CompileDiagnostic Shadow(Location location, string message)
    {
        var span = location.GetLineSpan();
        return new CompileDiagnostic(span.Path ?? "", span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, "error", "CS_SHADOW", message);
    }

    /// Solution types declared in (or named like) a namespace of the framework or of xunit.
    private static List<CompileDiagnostic> ReservedNamespaceUse(CSharpCompilation solution)
    {
        var found = new List<CompileDiagnostic>();
        void Walk(INamespaceSymbol ns)
        {
            foreach (var type in ns.GetTypeMembers())
            {
                var space = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
                var reserved = ReservedNamespaces.FirstOrDefault(r => space == r || space.StartsWith(r + ".", StringComparison.Ordinal)
                    || (space.Length == 0 && type.Name == r));
                if (reserved is not null && type.Locations.FirstOrDefault(l => l.IsInSource) is { } location)
                {
                    found.Add(Shadow(location, space.Length == 0
                        ? $"the solution declares type '{type.Name}', which would hide the namespace '{reserved}' from the tests"
                        : $"the solution declares type '{type.Name}' in namespace '{space}': namespaces {string.Join(", ", ReservedNamespaces.Select(r => r + ".*"))} belong to the framework and the test framework"));
                }
            }
            foreach (var child in ns.GetNamespaceMembers())
            {
                Walk(child);
            }
        }
        Walk(solution.Assembly.GlobalNamespace);
        return found;
    }

    /// Simple names in the test code that are looked up in scope (not the right side of a member access or
    /// qualified name), are spelled like an xunit type, and resolve into the solution: the learner's symbol would
    /// stand in for the test framework's (a global <c>Assert</c>, a type in the tests' namespace, a member a test
    /// class inherits from a solution class...).
    private static List<CompileDiagnostic> Shadowing(CSharpCompilation tests, List<SyntaxTree> testTrees, MetadataReference solutionReference,
        CSharpCompilation solution, CancellationToken ct)
    {
        var solutionAssembly = tests.GetAssemblyOrModuleSymbol(solutionReference) as IAssemblySymbol;
        var found = new List<CompileDiagnostic>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tree in testTrees)
        {
            SemanticModel? model = null;
            foreach (var name in tree.GetRoot(ct).DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var text = name.Identifier.ValueText;
                if (!XunitTypeNames.TryGetValue(text, out var xunitName) || IsQualifiedPart(name))
                {
                    continue;
                }
                model ??= tests.GetSemanticModel(tree);
                var info = model.GetSymbolInfo(name, ct);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetAliasInfo(name, ct)?.Target;
                if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor)
                {
                    symbol = ctor.ContainingType;
                }
                if (symbol is null || !FromAssembly(symbol, solutionAssembly) || !reported.Add(text))
                {
                    continue;
                }
                var location = SourceLocation(symbol, solution) ?? name.GetLocation();
                var kind = symbol is ITypeSymbol ? "type" : symbol is INamespaceSymbol ? "namespace" : "member";
                found.Add(Shadow(location,
                    $"the solution declares {kind} '{symbol.Name}', which would hide the test framework's '{xunitName}' in the tests (choose another name)"));
            }
        }
        return found;
    }

    private static bool IsQualifiedPart(SimpleNameSyntax name) => name.Parent switch
    {
        MemberAccessExpressionSyntax m => m.Name == name,
        QualifiedNameSyntax q => q.Right == name,
        AliasQualifiedNameSyntax a => a.Name == name,
        MemberBindingExpressionSyntax => true,
        NameColonSyntax or NameEqualsSyntax => true,
        _ => false,
    };

    private static bool FromAssembly(ISymbol symbol, IAssemblySymbol? assembly) => symbol switch
    {
        INamespaceSymbol ns => ns.ConstituentNamespaces.Any(c => SymbolEqualityComparer.Default.Equals(c.ContainingAssembly, assembly)),
        _ => SymbolEqualityComparer.Default.Equals((symbol as IMethodSymbol)?.ReducedFrom?.ContainingAssembly ?? symbol.ContainingAssembly, assembly),
    };

    /// Where the solution declares the symbol the tests bound (it comes from Solution.dll's metadata there).
    private static Location? SourceLocation(ISymbol symbol, CSharpCompilation solution)
    {
        ISymbol? source = symbol switch
        {
            INamedTypeSymbol t => solution.GetTypeByMetadataName(MetadataName(t)),
            INamespaceSymbol => null,
            _ when symbol.ContainingType is { } owner => solution.GetTypeByMetadataName(MetadataName(owner))?.GetMembers(symbol.Name).FirstOrDefault(),
            _ => null,
        };
        return source?.Locations.FirstOrDefault(l => l.IsInSource);
    }

    private static string MetadataName(INamedTypeSymbol type) => type.ContainingType is { } outer
        ? MetadataName(outer) + "+" + type.MetadataName
        : type.ContainingNamespace.IsGlobalNamespace ? type.MetadataName : type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;

    private static CompileDiagnostic ToContract(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return new CompileDiagnostic(
            span.Path ?? "",
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
            d.Id,
            d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// Keys "Class.Method" of [Fact]/[Theory] methods as written, with their source: each must be reported.
    private static (IReadOnlyList<string> Keys, IReadOnlyDictionary<string, string> Code) Tests(IEnumerable<SyntaxTree> trees)
    {
        var keys = new List<string>();
        var code = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            foreach (var m in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                var isTest = m.AttributeLists.SelectMany(l => l.Attributes).Any(a =>
                {
                    var name = a.Name.ToString();
                    name = name[(name.LastIndexOf('.') + 1)..];
                    return name is "Fact" or "FactAttribute" or "Theory" or "TheoryAttribute";
                });
                if (!isTest || m.Parent is not ClassDeclarationSyntax cls || cls.TypeParameterList is not null)
                {
                    continue;
                }
                var key = cls.Identifier.Text + "." + m.Identifier.Text;
                keys.Add(key);
                code.TryAdd(key, m.ToString());
            }
        }
        return (keys, code);
    }

    /// Deepest nesting of (), [], {} and of generic angle brackets (reset at ; { } since a type argument list
    /// cannot span them), skipping strings, chars and comments well enough for a guard.
    internal static (int Depth, int Line) MaxNesting(string source)
    {
        int depth = 0, angle = 0, max = 0, line = 1, maxLine = 1;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '/' when i + 1 < source.Length && source[i + 1] == '/':
                    while (i < source.Length && source[i] != '\n')
                    {
                        i++;
                    }
                    line++;
                    break;
                case '/' when i + 1 < source.Length && source[i + 1] == '*':
                    i += 2;
                    while (i + 1 < source.Length && !(source[i] == '*' && source[i + 1] == '/'))
                    {
                        line += source[i] == '\n' ? 1 : 0;
                        i++;
                    }
                    i++;
                    break;
                case '"' or '\'':
                    i++;
                    while (i < source.Length && source[i] != c && source[i] != '\n')
                    {
                        i += source[i] == '\\' ? 2 : 1;
                    }
                    break;
                case '(' or '[':
                    depth++;
                    break;
                case '{':
                    depth++;
                    angle = 0;
                    break;
                case ')' or ']':
                    depth = Math.Max(0, depth - 1);
                    break;
                case '}':
                    depth = Math.Max(0, depth - 1);
                    angle = 0;
                    break;
                case ';':
                    angle = 0;
                    break;
                case '<':
                    angle++;
                    break;
                case '>':
                    angle = Math.Max(0, angle - 1);
                    break;
            }
            if (depth + angle > max)
            {
                max = depth + angle;
                maxLine = line;
            }
        }
        return (max, maxLine);
    }
}
