using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.AspNetCore.SignalR;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// While Redis (the sessions' store) does not answer, a hub call is refused with a message that says so and that
/// nothing was applied, instead of SignalR's generic error: the browser client keeps what it could not send and sends
/// it again once the hub answers.
/// </summary>
public sealed class OutageFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception e) when (e is not HubException && DependencyUnavailableHandler.IsOutage(e))
        {
            throw new HubException("The workbench's store is not answering right now, so this was not applied. "
                + "Your editor keeps your text and sends it again when the store is back; nothing accepted before is lost.");
        }
    }
}
