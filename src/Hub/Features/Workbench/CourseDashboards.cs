using System.Collections.Concurrent;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Pushes the sessions of a course that changed (opened, edited, error count, run status or verdict, left) to the
/// instructors watching its dashboard, instead of their polling. Changes seen on this hub process are coalesced per
/// course and pushed at most once per <see cref="WorkbenchOptions.DashboardPushInterval"/>, through the course's
/// SignalR group, which the Redis backplane carries to the instructors' connections on every hub process (as the
/// watchers' groups do). A course nobody watches costs one <c>EXISTS</c> per interval in which it changed.
/// </summary>
public sealed class CourseDashboards(
    SessionStore store,
    IHubContext<WorkbenchHub, IWorkbenchClient> hub,
    IOptions<WorkbenchOptions> options,
    ILogger<CourseDashboards> logger) : BackgroundService
{
    // course id -> the sessions that changed since the last push (a set: a session typed into 20 times counts once)
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _changed = new(StringComparer.Ordinal);

    /// <summary>Notes a change of a session; cheap enough for every keystroke.</summary>
    public void Changed(string courseId, string sessionId)
    {
        var sessions = _changed.GetOrAdd(courseId, static _ => new(StringComparer.Ordinal));
        sessions.TryAdd(sessionId, 0);
    }

    /// <summary>Notes a change of a session whose course this process does not hold (a run relayed or cancelled).</summary>
    public async Task ChangedAsync(string sessionId)
    {
        if (await store.CourseOfAsync(sessionId) is { } courseId)
        {
            Changed(courseId, sessionId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DashboardPushInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (courseId, sessions) in _changed)
            {
                // Taken one by one: a change noted after its session is taken waits for the next push, and one noted
                // before was written to Redis before it was noted, so the summaries read below hold it.
                var taken = sessions.Keys.Where(id => sessions.TryRemove(id, out _)).ToList();
                if (taken.Count > 0)
                {
                    await PushAsync(courseId, taken);
                }
            }
        }
    }

    private async Task PushAsync(string courseId, IReadOnlyList<string> sessionIds)
    {
        try
        {
            if (!await store.IsDashboardWatchedAsync(courseId))
            {
                return;
            }

            var summaries = await store.SummariesAsync(sessionIds);
            if (summaries.Count > 0)
            {
                await hub.Clients.Group(WorkbenchGroups.CourseDashboard(courseId)).LiveSessions(new LiveSessionsUpdate(courseId, summaries));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A lost push costs the dashboard one interval's changes until the next change of those sessions; the
            // client refreshes the whole list when its connection comes back.
            WorkbenchLog.DashboardPushFailed(logger, courseId, e);
        }
    }
}
