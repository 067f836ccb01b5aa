using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningPlatform.Contracts.Runs;

/// <summary>
/// Redis Streams used between the API (producer, consumer of events and results) and RunnerHost.
/// <list type="bullet">
/// <item><description><b><c>runs:requests</c></b> (<see cref="Requests"/>): one entry per run, field
/// <c>request</c> = <see cref="RunRequest"/> as JSON (<see cref="RunJson.Options"/>). Producers: <c>XADD runs:requests
/// MAXLEN ~ 100000 * request {json}</c>. RunnerHost reads it through consumer group <c>runners</c>
/// (<see cref="ConsumerGroup"/>), acknowledges an entry after the run's result is published, and reclaims entries
/// left pending by a dead runner with XAUTOCLAIM once idle for longer than the longest possible run.</description></item>
/// <item><description><b><c>runs:{runId}:events</c></b> (<see cref="EventsKey"/>): every <see cref="RunEvent"/> of
/// the run in order, fields <c>type</c> (the discriminator, <see cref="RunEventTypes"/>), <c>seq</c> (its
/// <see cref="RunEvent.Sequence"/>) and <c>event</c> (the event as JSON, which also carries both): a relay reads
/// type and sequence without parsing the event. Trimmed with MAXLEN ~ 1000 and expires 1 hour after the last write.
/// The last entry is always <c>finished</c>. A reclaimed run may append a second sequence starting at
/// <c>accepted</c>; consumers should reset on an <c>accepted</c> event.</description></item>
/// <item><description>The result leaves as the integration event <c>RunCompleted(result)</c> on the event bus
/// (<c>events:run-completed</c>, event id = run id). Handlers must be idempotent: a run can finish twice if a runner
/// died after publishing but before acknowledging.</description></item>
/// </list>
/// Every key above is prefixed with the deployment's <c>Redis:KeyPrefix</c> (empty by default), as all keys are.
/// </summary>
public static class RunStreams
{
    /// <summary>Stream of <see cref="RunRequest"/> entries (field <c>request</c>).</summary>
    public const string Requests = "runs:requests";

    /// <summary>Consumer group of the runners on <see cref="Requests"/>.</summary>
    public const string ConsumerGroup = "runners";

    /// <summary>Field names used in the entries.</summary>
    public const string RequestField = "request", EventTypeField = "type", EventSequenceField = "seq", EventField = "event";

    /// <summary>The per-run event stream key: <c>runs:{runId}:events</c>.</summary>
    public static string EventsKey(string runId) => $"runs:{runId}:events";
}

/// <summary>JSON settings for everything on these streams: camelCase properties, enums as their wire strings.</summary>
public static class RunJson
{
    /// <summary>Shared, immutable serializer options.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
