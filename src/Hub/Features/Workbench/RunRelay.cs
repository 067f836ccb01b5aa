using System.Collections.Concurrent;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Follows each run posted from a session on the run's event stream in Redis (<see cref="RunEventFollower"/>: a
/// blocking read, the event's type and sequence from the stream entry, its JSON passed on as the runner wrote it) and
/// pushes every event to the session's learner and watchers, then stores the result on the session. Services
/// authorized the run when it accepted it, and the runner's events carry only what a learner may see (hidden checks by
/// number, description and pass/fail), as its Server-Sent Events for REST clients do. The relay lives in the hub
/// process that posted the run; a cancel reaching another hub process travels over Redis pub/sub.
/// </summary>
public sealed class RunRelay : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _relays = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _holder = Guid.NewGuid().ToString("N");
    private int _disposed;

    // Renewed at a third of its length while relaying; a dead hub's runs are taken over after at most this long.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private readonly RunEventFollower _follower;
    private readonly SessionStore _store;
    private readonly CourseDashboards _dashboards;
    private readonly IHubContext<WorkbenchHub, IWorkbenchClient> _hub;
    private readonly IConnectionMultiplexer _redis;
    private readonly WorkbenchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RunRelay> _logger;

    public RunRelay(
        RunEventFollower follower, SessionStore store, CourseDashboards dashboards, IHubContext<WorkbenchHub, IWorkbenchClient> hub, IConnectionMultiplexer redis,
        IOptions<WorkbenchOptions> options, TimeProvider time, ILogger<RunRelay> logger)
    {
        _follower = follower;
        _store = store;
        _dashboards = dashboards;
        _hub = hub;
        _redis = redis;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await _redis.GetSubscriber().SubscribeAsync(_store.CancelChannel, (_, runId) => StopLocal((string?)runId));

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return; // a host stopped after it was disposed: nothing left to hand over
        }

        // Hand the runs over at once rather than when their leases run out.
        await Task.WhenAll(_relays.Keys.Select(runId => _store.ReleaseRelayAsync(runId, _holder)));
        await _stopping.CancelAsync();
        await _redis.GetSubscriber().UnsubscribeAsync(_store.CancelChannel);
    }

    /// <summary>
    /// Starts relaying <paramref name="ticket"/>'s events in the background, unless a hub process (this or another)
    /// already does. A relay taking over from a dead hub starts from the run's first event: clients drop events whose
    /// sequence they have seen.
    /// </summary>
    public async Task<bool> StartAsync(RunTicket ticket)
    {
        if (_relays.ContainsKey(ticket.RunId) || !await _store.TryLeaseRelayAsync(ticket.RunId, _holder, LeaseDuration))
        {
            return false;
        }

        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cts.CancelAfter(_options.RunRelayTimeout);
        if (!_relays.TryAdd(ticket.RunId, cts))
        {
            cts.Dispose();
            return false;
        }

        _ = Task.Run(() => RelayAsync(ticket, cts));
        return true;
    }

    /// <summary>Stops relaying the run wherever it is relayed.</summary>
    public async Task CancelAsync(string runId)
    {
        StopLocal(runId);
        await _redis.GetSubscriber().PublishAsync(_store.CancelChannel, runId);
    }

    private void StopLocal(string? runId)
    {
        if (runId is not null && _relays.TryRemove(runId, out var cts))
        {
            cts.Cancel();
        }
    }

    private async Task RelayAsync(RunTicket ticket, CancellationTokenSource cts)
    {
        var finished = false;
        using var renew = new Timer(
            _ => _ = _store.TryLeaseRelayAsync(ticket.RunId, _holder, LeaseDuration), null, LeaseDuration / 3, LeaseDuration / 3);
        try
        {
            var started = false;
            await foreach (var e in _follower.FollowAsync(ticket.RunId, cts.Token))
            {
                var message = new RunEventMessage(ticket.SessionId, ticket.RunId, e.Type, e.Sequence, e.Json);
                await _hub.Clients.Groups(WorkbenchGroups.Learner(ticket.SessionId), WorkbenchGroups.Watchers(ticket.SessionId)).RunEvent(message);
                if (!started && e.Type is RunEventTypes.Accepted or RunEventTypes.Started)
                {
                    started = true;
                    if (await _store.UpdateLastRunAsync(ticket.SessionId, ticket.RunId,
                        last => last.Status == RunStatuses.Queued ? last with { Status = RunStatuses.Running } : null))
                    {
                        await _dashboards.ChangedAsync(ticket.SessionId);
                    }
                }

                if (e.IsFinished)
                {
                    finished = true;
                    await StoreResultAsync(ticket, e);
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RedisException or TimeoutException or HubException)
        {
            if (!_stopping.IsCancellationRequested && !finished && e is not OperationCanceledException)
            {
                WorkbenchLog.RelayLost(_logger, ticket.RunId, e);
            }
        }
        catch (Exception e)
        {
            WorkbenchLog.RelayLost(_logger, ticket.RunId, e);
        }
        finally
        {
            _relays.TryRemove(new KeyValuePair<string, CancellationTokenSource>(ticket.RunId, cts));
            cts.Dispose();
            await renew.DisposeAsync();
            if (!_stopping.IsCancellationRequested)
            {
                await _store.ReleaseRelayAsync(ticket.RunId, _holder);
            }

            // A hub shutting down leaves the run counted and unfinished: the hub the learner resumes on takes it over.
            if (finished || !_stopping.IsCancellationRequested)
            {
                await _store.EndRunAsync(ticket.UserId, ticket.RunId);
            }

            if (!finished && !_stopping.IsCancellationRequested)
            {
                // Cancelled runs keep their status; a relay that ran out or broke marks the run lost.
                if (await _store.UpdateLastRunAsync(ticket.SessionId, ticket.RunId,
                    last => last.Status is RunStatuses.Queued or RunStatuses.Running ? last with { Status = RunStatuses.Lost, FinishedAt = _time.GetUtcNow() } : null))
                {
                    await _dashboards.ChangedAsync(ticket.SessionId);
                }
            }
        }
    }

    private async Task StoreResultAsync(RunTicket ticket, RunStreamEvent finished)
    {
        var result = (finished.Parse() as RunFinished)?.Result;
        var verdict = result is null ? null : JsonSerializer.Serialize(result.Verdict, RunJson.Options).Trim('"');
        var passed = result?.Tests.Count(t => t.Status == TestStatus.Pass) ?? 0;
        var updated = await _store.UpdateLastRunAsync(ticket.SessionId, ticket.RunId, last => last.Status == RunStatuses.Cancelled ? null : last with
        {
            Status = RunStatuses.Finished,
            Verdict = verdict,
            Passed = passed,
            Total = result?.Tests.Count ?? 0,
            FinishedAt = _time.GetUtcNow(),
            ResultJson = result is null ? null : JsonSerializer.Serialize(result, RunJson.Options),
        });
        if (updated && await _store.GetAsync(ticket.SessionId) is { } state)
        {
            await _hub.Clients.Groups(WorkbenchGroups.Learner(ticket.SessionId), WorkbenchGroups.Watchers(ticket.SessionId)).SessionSnapshot(state.ToSnapshot());
            _dashboards.Changed(state.CourseId, state.SessionId);
        }
    }

    // Registered as a singleton and as the hosted service (same instance), so the container disposes it twice.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }
}

/// <summary>SignalR groups: a session's learner connections and its watchers; a course's dashboard watchers.</summary>
public static class WorkbenchGroups
{
    public static string CourseDashboard(string courseId) => $"course-dashboard:{courseId}";

    public static string Learner(string sessionId) => $"session:{sessionId}:learner";

    public static string Watchers(string sessionId) => $"session:{sessionId}:watchers";
}
