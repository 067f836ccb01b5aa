using LearningPlatform.Contracts.Events;

namespace LearningPlatform.Contracts.Workbench;

/// <summary>
/// What the workbench hub (<c>/hubs/workbench</c>) calls on its clients. A learner's connection receives the
/// callbacks of the sessions it opened or resumed; an instructor's connection those of the sessions it watches.
/// </summary>
public interface IWorkbenchClient
{
    /// <summary>Live markers of one layer of one file at one version; replaces that layer's previous markers.</summary>
    Task Diagnostics(DiagnosticsMessage message);

    /// <summary>One event of a run of the session, in order, until <c>finished</c>.</summary>
    Task RunEvent(RunEventMessage message);

    /// <summary>Watchers only: the learner's accepted edit, as recorded.</summary>
    Task Edited(EditNotification notification);

    /// <summary>The learner and the session's watchers: an instructor's hint, at once.</summary>
    Task Hint(HintMessage hint);

    /// <summary>The whole session, when the receiver must resynchronise (for example after a run's result was stored).</summary>
    Task SessionSnapshot(SessionSnapshot snapshot);

    /// <summary>Instructors watching a course's dashboard: sessions of the course that changed.</summary>
    Task LiveSessions(LiveSessionsUpdate update);

    /// <summary>Every connection of the learner: the recommended next exercises changed.</summary>
    Task Recommendations(RecommendationsUpdated recommendations);
}
