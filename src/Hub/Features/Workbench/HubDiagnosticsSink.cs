using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Delivers live diagnostics to the session's connections on this hub (the pipeline runs where the edits arrive)
/// and, when someone watches, to the watchers on any hub through the backplane; keeps the session's error count
/// for the instructors' overview (and tells their dashboards when it changes). A result that changes nothing (no markers, as before) is not pushed, and the error
/// count is written only when it changes: while a learner types clean code, diagnostics cost no traffic.
/// </summary>
public sealed class HubDiagnosticsSink(
    IHubContext<WorkbenchHub, IWorkbenchClient> hub, LiveSessions sessions, SessionStore store, CourseDashboards dashboards,
    ILogger<HubDiagnosticsSink> logger) : IDiagnosticsSink
{
    public async ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken)
    {
        if (result.Markers.Count == 0 && result.Previous is { Count: 0 })
        {
            return;
        }

        try
        {
            var message = new DiagnosticsMessage(result.SessionId, result.File, result.Version, result.Layer, result.Markers);
            var local = sessions.TryGet(result.SessionId, out var live);
            if (local)
            {
                // One by one: the backplane writes to a local connection directly only when addressed singly.
                foreach (var connectionId in live.ConnectionIds)
                {
                    await hub.Clients.Client(connectionId).Diagnostics(message);
                }
            }

            if (!local || live.Watched)
            {
                await hub.Clients.Group(WorkbenchGroups.Watchers(result.SessionId)).Diagnostics(message);
            }

            var errors = Errors(result.Markers);
            if (result.Previous is null || errors != Errors(result.Previous))
            {
                await store.SetErrorCountAsync(result.SessionId, result.File, result.Layer, errors);
                if (local)
                {
                    dashboards.Changed(live.CourseId, result.SessionId);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A lost push costs one layer of one version; the next edit brings fresh markers.
            WorkbenchLog.DiagnosticsFailed(logger, result.SessionId, e);
        }
    }

    private static int Errors(IReadOnlyList<Marker> markers) => markers.Count(m => m.Severity == MarkerSeverity.Error);
}
