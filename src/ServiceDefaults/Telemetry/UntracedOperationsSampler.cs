using OpenTelemetry.Trace;

namespace LearningPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Samples every root span except the named high-volume operations (configuration <c>Telemetry:UntracedOperations</c>,
/// activity names such as <c>LearningPlatform.Hub.Features.Workbench.WorkbenchHub/ApplyEdits</c>): a span per
/// keystroke tells an operator nothing, and recorded it costs its tags and an export on the hot path (OpenTelemetry
/// still lets a dropped activity exist, empty, for context propagation). Children follow their parent.
/// </summary>
public sealed class UntracedOperationsSampler(IEnumerable<string> untraced) : Sampler
{
    private readonly HashSet<string> _untraced = new(untraced.Where(n => !string.IsNullOrWhiteSpace(n)), StringComparer.Ordinal);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(_untraced.Contains(samplingParameters.Name) ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
}
