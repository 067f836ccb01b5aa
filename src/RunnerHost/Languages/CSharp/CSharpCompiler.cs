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

/// Compiles learners' C# (solution + xunit tests) in process with Roslyn: a fixed reference set (the .NET 10
/// reference assemblies and the real xunit assemblies), no analyzers, no generators, no MSBuild, so no code of the
/// submission runs here. Time-limited, size-limited, and on a thread with a large stack.
internal sealed class CSharpCompiler
{
    // What an ordinary xunit test project has as implicit usings (SDK defaults plus the template's <Using Include="Xunit" />).
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Xunit;
        """;

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Xunit.Assert).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Xunit.FactAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Xunit.Abstractions.ITestOutputHelper).Assembly.Location),
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private readonly CSharpOptions _o;
    private readonly SemaphoreSlim _gate;

    public CSharpCompiler(IOptions<CSharpOptions> options)
    {
        _o = options.Value;
        _gate = new SemaphoreSlim(_o.MaxConcurrentCompilations);
    }

    internal sealed record Output(byte[]? Assembly, IReadOnlyList<CompileDiagnostic> Diagnostics, IReadOnlyList<string> TestKeys,
        IReadOnlyDictionary<string, string> TestCode, long ElapsedMs);

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
        new(null, [new CompileDiagnostic(file, 1, 1, "error", code, message)], [], new Dictionary<string, string>(), ms);

    private Output Compile(IReadOnlyList<RunFile> files, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        foreach (var f in files)
        {
            var (depth, line) = MaxNesting(f.Content);
            if (depth > _o.MaxNesting)
            {
                return new Output(null, [new CompileDiagnostic(f.Name, line, 1, "error", "CS_NESTING",
                    $"nesting deeper than {_o.MaxNesting} levels is not accepted")], [], new Dictionary<string, string>(), sw.ElapsedMilliseconds);
            }
        }
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Content, ParseOptions, path: f.Name, encoding: System.Text.Encoding.UTF8, cancellationToken: ct))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "GlobalUsings.g.cs", encoding: System.Text.Encoding.UTF8, cancellationToken: ct))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "Submission_" + Guid.NewGuid().ToString("N"),
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Debug,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: false,
                concurrentBuild: false,
                deterministic: true,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded), cancellationToken: ct);
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .OrderByDescending(d => d.Severity)
            .Take(_o.MaxDiagnostics)
            .Select(ToContract)
            .ToList();
        var (keys, code) = Tests(trees);
        if (!result.Success)
        {
            return new Output(null, diagnostics, keys, code, sw.ElapsedMilliseconds);
        }
        if (pe.Length > _o.MaxAssemblyBytes)
        {
            diagnostics.Insert(0, new CompileDiagnostic(files[0].Name, 1, 1, "error", "CS_SIZE", $"the compiled assembly is larger than {_o.MaxAssemblyBytes} bytes"));
            return new Output(null, diagnostics, keys, code, sw.ElapsedMilliseconds);
        }
        return new Output(pe.ToArray(), diagnostics, keys, code, sw.ElapsedMilliseconds);
    }

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
