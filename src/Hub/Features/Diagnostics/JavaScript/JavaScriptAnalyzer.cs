using Acornima;
using Acornima.Ast;
using LearningPlatform.Contracts.Workbench;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Diagnostics.JavaScript;

/// <summary>
/// JavaScript with Acornima, a parser in .NET: nothing is evaluated. A <c>.js</c> file is parsed as a module and,
/// when that fails, as a script, so ESM and CommonJS both pass; <c>.mjs</c> is module only, <c>.cjs</c> script only.
/// Lint is a walk over the tree: loose equality, <c>var</c>, <c>debugger</c>.
/// </summary>
public sealed class JavaScriptAnalyzer(IOptions<DiagnosticsOptions> options) : ILanguageAnalyzer
{
    private static readonly ParserOptions ParserOptions = new() { AllowHashBang = true };

    private readonly DiagnosticsOptions _options = options.Value;

    public string Language => "javascript";

    public bool Handles(string file) =>
        file.EndsWith(".js", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".mjs", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".cjs", StringComparison.OrdinalIgnoreCase);

    public ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken)
    {
        var (_, error) = Parse(document.File, document.Text);
        return ValueTask.FromResult<IReadOnlyList<Marker>>(error is null ? Markers.None : [error]);
    }

    public Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken)
    {
        var (program, _) = Parse(document.File, document.Text);
        var lint = program is null ? Markers.None : Lint(program, cancellationToken);
        return Task.FromResult(new SemanticMarkers(Compiler: null, Lint: lint));
    }

    public void Forget(string sessionId)
    {
        // Stateless per session.
    }

    private static (Acornima.Ast.Program? Program, Marker? Error) Parse(string file, string text)
    {
        var parser = new Parser(ParserOptions);
        var module = !file.EndsWith(".cjs", StringComparison.OrdinalIgnoreCase);
        var script = !file.EndsWith(".mjs", StringComparison.OrdinalIgnoreCase);
        ParseError? moduleError = null;
        try
        {
            if (module)
            {
                try
                {
                    return (parser.ParseModule(text, file), null);
                }
                catch (ParseErrorException ex) when (script)
                {
                    moduleError = ex.Error;
                }
            }

            return (parser.ParseScript(text, file), null);
        }
        catch (ParseErrorException ex)
        {
            // Both failed: report the parse that got further, it understood more of the file.
            var error = moduleError is not null && moduleError.Index > ex.Error.Index ? moduleError : ex.Error;
            var line = Math.Max(error.LineNumber, 1);
            var column = Math.Max(error.Column + 1, 1);
            return (null, new Marker(line, column, line, column + 1, MarkerSeverity.Error, error.Description, error.Code, DiagnosticsLayer.Syntax));
        }
        catch (InsufficientExecutionStackException)
        {
            return (null, Markers.Note(DiagnosticsLayer.Syntax, "Code is nested too deeply to check.", MarkerSeverity.Error, "LP9001"));
        }
    }

    private List<Marker> Lint(Node program, CancellationToken cancellationToken)
    {
        var markers = new List<Marker>();
        // Iterative walk: the tree can be as deep as the parser allowed.
        var stack = new Stack<Node>();
        stack.Push(program);
        while (stack.TryPop(out var node) && markers.Count < _options.MaxMarkers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (node)
            {
                case BinaryExpression { Operator: Operator.Equality or Operator.Inequality } binary
                    when binary.Left is not Literal { Value: null } && binary.Right is not Literal { Value: null }:
                    var strict = binary.Operator == Operator.Equality ? "===" : "!==";
                    markers.Add(At(binary, MarkerSeverity.Warning, $"Use '{strict}': loose equality converts types first", "eqeqeq"));
                    break;
                case VariableDeclaration { Kind: VariableDeclarationKind.Var } declaration:
                    var start = declaration.Location.Start;
                    markers.Add(new Marker(start.Line, start.Column + 1, start.Line, start.Column + 4, MarkerSeverity.Hint,
                        "Prefer 'let' or 'const' to 'var': they are block scoped", "no-var", DiagnosticsLayer.Lint));
                    break;
                case DebuggerStatement debugger:
                    markers.Add(At(debugger, MarkerSeverity.Warning, "Remove 'debugger' statements", "no-debugger"));
                    break;
            }

            foreach (var child in node.ChildNodes)
            {
                stack.Push(child);
            }
        }

        markers.Sort((a, b) => a.StartLineNumber != b.StartLineNumber ? a.StartLineNumber.CompareTo(b.StartLineNumber) : a.StartColumn.CompareTo(b.StartColumn));
        return markers;
    }

    private static Marker At(Node node, MarkerSeverity severity, string message, string code)
    {
        var (start, end) = (node.Location.Start, node.Location.End);
        return new Marker(start.Line, start.Column + 1, end.Line, end.Column + 1, severity, message, code, DiagnosticsLayer.Lint);
    }
}
