using LearningPlatform.Contracts.Events;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.ServiceDefaults.Events;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Pushes a learner's new recommendations to all their connections. One hub process of the group handles each
/// event; the Redis backplane reaches connections held by the others. A repeat is harmless: the client replaces
/// the list.
/// </summary>
internal sealed class RecommendationsPush(IHubContext<WorkbenchHub, IWorkbenchClient> hub) : IIntegrationEventHandler<RecommendationsUpdated>
{
    public Task HandleAsync(EventEnvelope<RecommendationsUpdated> envelope, CancellationToken cancellationToken) =>
        hub.Clients.User(envelope.Payload.UserId).Recommendations(envelope.Payload);
}

/// <summary>SignalR's user id is the token's subject (inbound claims are not mapped to NameIdentifier here).</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
}
