using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LearningPlatform.Hub.Features.Diagnostics.CSharp;

// The RS rules are about analyzers shipped to the compiler in a NuGet package (target netstandard2.0, release
// tracking). This one never leaves the Hub: it runs in process through CompilationWithAnalyzers.
#pragma warning disable RS1036, RS1041, RS2008

/// <summary>
/// Our own lint rules for learners. They are syntax-tree actions on purpose: the compiler layer already binds the
/// tree, and a semantic analyzer would bind it a second time (CompilationWithAnalyzers analyses its own copy of the
/// compilation). Semantic lint such as unused variables comes from the compiler's own warnings (CS0168, CS0219).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class LearnerLintAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor EmptyCatch = new(
        "LP0001", "Empty catch block", "Empty catch block hides errors; handle, log or rethrow the exception",
        "Reliability", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BooleanLiteralComparison = new(
        "LP0002", "Comparison with a boolean literal", "Comparing with '{0}' is redundant; use the condition itself",
        "Style", DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AsyncVoid = new(
        "LP0003", "async void method", "'async void' methods cannot be awaited and crash the process on exceptions; return Task",
        "Reliability", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [EmptyCatch, BooleanLiteralComparison, AsyncVoid];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(AnalyzeTree);
    }

    private static void AnalyzeTree(SyntaxTreeAnalysisContext context)
    {
        var root = context.Tree.GetRoot(context.CancellationToken);
        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case CatchClauseSyntax { Block: { Statements.Count: 0 } block } catchClause
                    when !block.CloseBraceToken.IsMissing && !HasComment(block):
                    context.ReportDiagnostic(Diagnostic.Create(EmptyCatch, catchClause.CatchKeyword.GetLocation()));
                    break;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression):
                    var literal = IsBooleanLiteral(binary.Right) ? binary.Right : IsBooleanLiteral(binary.Left) ? binary.Left : null;
                    if (literal is not null)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(BooleanLiteralComparison, binary.GetLocation(), binary.OperatorToken.Text + " " + literal));
                    }

                    break;
                case MethodDeclarationSyntax method when method.Modifiers.Any(SyntaxKind.AsyncKeyword)
                    && method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword }
                    && !LooksLikeEventHandler(method):
                    context.ReportDiagnostic(Diagnostic.Create(AsyncVoid, method.Identifier.GetLocation()));
                    break;
            }
        }
    }

    private static bool IsBooleanLiteral(ExpressionSyntax expression) =>
        expression.IsKind(SyntaxKind.TrueLiteralExpression) || expression.IsKind(SyntaxKind.FalseLiteralExpression);

    // A comment in the block says the emptiness is deliberate.
    private static bool HasComment(BlockSyntax block) =>
        block.CloseBraceToken.LeadingTrivia.Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
        || block.OpenBraceToken.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));

    // (object sender, XxxEventArgs e): the one place async void is the norm.
    private static bool LooksLikeEventHandler(MethodDeclarationSyntax method) =>
        method.ParameterList.Parameters.Count == 2
        && method.ParameterList.Parameters[1].Type?.ToString().EndsWith("EventArgs", StringComparison.Ordinal) == true;
}
