using System.Linq.Expressions;
using System.Reflection;

namespace LearningPlatform.Storage;

/// <summary>Rewrites of filter expressions that keep both adapters on the documented subset.</summary>
internal static class FilterExpressions
{
    private static readonly MethodInfo EnumerableContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    /// <summary>
    /// C# 14 binds <c>array.Contains(x.Field)</c> to <see cref="MemoryExtensions"/> over an implicit span
    /// conversion; LINQ providers written before it only know <see cref="Enumerable.Contains{TSource}(IEnumerable{TSource}, TSource)"/>.
    /// </summary>
    public static Expression<TDelegate> WithoutSpans<TDelegate>(Expression<TDelegate> filter) =>
        (Expression<TDelegate>)new SpanContainsRewriter().Visit(filter);

    public static void ValidatePaging(int skip, int? limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip, nameof(FindOptions<>.Skip));
        if (limit is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(FindOptions<>.Limit));
        }
    }

    /// <summary>The value of a sub-expression that does not depend on the document (a constant or captured variable).</summary>
    public static bool TryEvaluate(Expression expression, out object? value)
    {
        if (expression is ConstantExpression constant)
        {
            value = constant.Value;
            return true;
        }

        if (new ParameterFinder().Finds(expression))
        {
            value = null;
            return false;
        }

        value = Expression.Lambda<Func<object?>>(Expression.Convert(expression, typeof(object))).Compile(preferInterpretation: true)();
        return true;
    }

    private sealed class SpanContainsRewriter : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(MemoryExtensions)
                && node.Method.Name == nameof(MemoryExtensions.Contains)
                && node.Arguments.Count == 2
                && UnwrapSpan(node.Arguments[0]) is { } source
                && source.Type.IsArray)
            {
                var elementType = source.Type.GetElementType()!;
                return Expression.Call(EnumerableContains.MakeGenericMethod(elementType), Visit(source), Visit(node.Arguments[1]));
            }

            return base.VisitMethodCall(node);
        }

        // op_Implicit(array) to Span<T> or ReadOnlySpan<T>, possibly around a Convert.
        private static Expression? UnwrapSpan(Expression expression)
        {
            var inner = expression switch
            {
                MethodCallExpression { Method.Name: "op_Implicit", Arguments.Count: 1 } call => call.Arguments[0],
                UnaryExpression { NodeType: ExpressionType.Convert, Method.Name: "op_Implicit" } convert => convert.Operand,
                _ => null,
            };
            while (inner is UnaryExpression { NodeType: ExpressionType.Convert } c && c.Operand.Type.IsArray)
            {
                inner = c.Operand;
            }

            return inner;
        }
    }

    private sealed class ParameterFinder : ExpressionVisitor
    {
        private bool _found;

        public bool Finds(Expression expression)
        {
            Visit(expression);
            return _found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found = true;
            return node;
        }
    }
}
