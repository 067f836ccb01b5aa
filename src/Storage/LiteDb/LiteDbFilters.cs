using System.Linq.Expressions;
using System.Reflection;

namespace LearningPlatform.Storage.LiteDb;

/// <summary>
/// LiteDB translates string StartsWith and Contains to LIKE, which has no escape for '%' and '_' and whose matcher
/// misses some substrings after a '%'. These are rewritten to INDEXOF, which compares literally; StartsWith keeps
/// LIKE (which can use an index) when the prefix holds no wildcard.
/// </summary>
internal static class LiteDbFilters
{
    private static readonly MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo Contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo IndexOf = typeof(string).GetMethod(nameof(string.IndexOf), [typeof(string)])!;

    public static Expression<Func<T, bool>> Prepare<T>(Expression<Func<T, bool>> filter) =>
        (Expression<Func<T, bool>>)new Rewriter().Visit(FilterExpressions.WithoutSpans(filter));

    private sealed class Rewriter : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method == Contains && node.Object is { } text)
            {
                return Expression.GreaterThanOrEqual(Expression.Call(Visit(text), IndexOf, Visit(node.Arguments[0])), Expression.Constant(0));
            }

            if (node.Method == StartsWith && node.Object is { } value
                && !(FilterExpressions.TryEvaluate(node.Arguments[0], out var prefix) && prefix is string p && !p.Contains('%') && !p.Contains('_')))
            {
                return Expression.Equal(Expression.Call(Visit(value), IndexOf, Visit(node.Arguments[0])), Expression.Constant(0));
            }

            return base.VisitMethodCall(node);
        }
    }
}
