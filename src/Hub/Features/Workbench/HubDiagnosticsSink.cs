using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Delivers live diagnostics to the session's learner and watchers (any hub process, through the backplane) and
/// keeps the session's error count for the instructors' overview.
/// </summary>
public sealed class HubDiagnosticsSink(IHubContext<WorkbenchHub, IWorkbenchClient> hub, SessionStore store, ILogger<HubDiagnosticsSink> logger) : IDiagnosticsSink
{
    public async ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken)
    {
        try
        {
            var message = new DiagnosticsMessage(result.SessionId, result.File, result.Version, result.Layer, result.Markers);
            await hub.Clients.Groups(WorkbenchGroups.Learner(result.SessionId), WorkbenchGroups.Watchers(result.SessionId)).Diagnostics(message);
            await store.SetErrorCountAsync(result.SessionId, result.File, result.Layer, result.Markers.Count(m => m.Severity == MarkerSeverity.Error));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A lost push costs one layer of one version; the next edit brings fresh markers.
            WorkbenchLog.DiagnosticsFailed(logger, result.SessionId, e);
        }
    }
}
