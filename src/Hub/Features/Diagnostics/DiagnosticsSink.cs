using System.Threading.Channels;
using LearningPlatform.Contracts.Workbench;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>One push to the client: the markers of one layer of one file at one version.</summary>
/// <param name="Previous">The markers of this layer and file delivered before (null for the first delivery since the
/// session was opened here), so a sink can skip pushes that change nothing for its clients.</param>
public sealed record DiagnosticsResult(string SessionId, string File, long Version, string Layer, IReadOnlyList<Marker> Markers, IReadOnlyList<Marker>? Previous = null);

/// <summary>
/// Where the pipeline delivers results. The hub implements it to push <c>Diagnostics(sessionId, file, version,
/// source, markers)</c> to the learner's connection and to the session's watchers. Calls for one file and layer are
/// never concurrent and come in increasing versions.
/// </summary>
public interface IDiagnosticsSink
{
    ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken);
}

/// <summary>
/// Default sink: a bounded channel a consumer reads (tests, or a hub that prefers to pull). When nobody reads, the
/// oldest results are dropped, so an unread sink costs bounded memory.
/// </summary>
public sealed class ChannelDiagnosticsSink(int capacity = 10_000) : IDiagnosticsSink
{
    private readonly Channel<DiagnosticsResult> _channel = Channel.CreateBounded<DiagnosticsResult>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<DiagnosticsResult> Reader => _channel.Reader;

    public ValueTask PublishAsync(DiagnosticsResult result, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(result, cancellationToken);
}

internal static class Markers
{
    public static readonly IReadOnlyList<Marker> None = [];

    /// <summary>A whole-first-line note, for "not analysed" situations the learner should know about.</summary>
    public static Marker Note(string layer, string message, MarkerSeverity severity = MarkerSeverity.Info, string? code = null) =>
        new(1, 1, 1, 2, severity, message, code, layer);
}
