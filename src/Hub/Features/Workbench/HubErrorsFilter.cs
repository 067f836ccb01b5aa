using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.AspNetCore.SignalR;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// What becomes of a hub call that throws, and how it is logged (once, by this filter).
/// <list type="bullet">
/// <item>A <see cref="HubException"/> is a refusal the hub meant (limits, permissions, unknown ids): logged at
/// Information, the client gets its message.</item>
/// <item>While Redis (the sessions' store) does not answer, the call is refused with a message that says so and that
/// nothing was applied, instead of SignalR's generic error: logged at Warning, as a REST request's 503 is. The browser
/// client keeps what it could not send and sends it again once the hub answers.</item>
/// <item>Anything else is a bug or a failure: logged at Error; the client gets SignalR's generic error.</item>
/// </list>
/// SignalR's dispatcher logs every exception of a hub method at Error, refusals included, so its category is set to
/// Critical in appsettings.json (it logs nothing else above Debug) and this filter, the outermost, logs instead —
/// streamed results too, whose failures surface while they are enumerated.
/// </summary>
public sealed class HubErrorsFilter(ILogger<HubErrorsFilter> logger) : IHubFilter
{
    private static readonly MethodInfo ObserveMethod = typeof(HubErrorsFilter).GetMethod(nameof(Observe), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly ConcurrentDictionary<Type, MethodInfo> _observers = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        object? result;
        try
        {
            result = await next(invocationContext);
        }
        catch (Exception e) when (e is not HubException && DependencyUnavailableHandler.IsOutage(e))
        {
            WorkbenchLog.MethodRefusedInOutage(logger, invocationContext.HubMethodName, e.GetType().Name, e.Message);
            throw new HubException("The workbench's store is not answering right now, so this was not applied. "
                + "Your editor keeps your text and sends it again when the store is back; nothing accepted before is lost.");
        }
        catch (Exception e) when (Report(invocationContext.HubMethodName, e))
        {
            throw; // not reached: Report returns false, so the exception goes on unchanged
        }

        return IsStream(invocationContext.HubMethod.ReturnType, out var itemType) && result is not null
            ? _observers.GetOrAdd(itemType, t => ObserveMethod.MakeGenericMethod(t)).Invoke(this, [result, invocationContext.HubMethodName, CancellationToken.None])
            : result;
    }

    private static bool IsStream(Type returnType, out Type itemType)
    {
        itemType = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>) ? returnType.GetGenericArguments()[0] : typeof(void);
        return itemType != typeof(void);
    }

    /// <summary>The items of a streamed result, with a failure while enumerating them logged like a call's.</summary>
    private async IAsyncEnumerable<T> Observe<T>(IAsyncEnumerable<T> items, string method, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var e = items.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && Report(method, ex))
            {
                throw; // not reached
            }

            yield return e.Current;
        }
    }

    private bool Report(string method, Exception e)
    {
        if (e is HubException)
        {
            WorkbenchLog.MethodRefused(logger, method, e.Message);
        }
        else if (DependencyUnavailableHandler.IsOutage(e))
        {
            WorkbenchLog.MethodRefusedInOutage(logger, method, e.GetType().Name, e.Message);
        }
        else
        {
            WorkbenchLog.MethodFailed(logger, method, e);
        }

        return false;
    }
}
