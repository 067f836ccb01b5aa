using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary>One piece of feedback a learner can act on.</summary>
public sealed class FeedbackItem
{
    /// <summary><c>compile</c>, <c>runtime</c>, <c>test</c> or <c>limit</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Compiler code or exception type, e.g. <c>CS0103</c>, <c>NameError</c>.</summary>
    public string? Code { get; set; }

    public string Title { get; set; } = "";

    /// <summary>What it means and what to try, in plain words.</summary>
    public string Explanation { get; set; } = "";

    public string? File { get; set; }

    public int? Line { get; set; }

    public string? Test { get; set; }

    public string? Expected { get; set; }

    public string? Actual { get; set; }

    /// <summary>The tool's own message, for reference.</summary>
    public string? Original { get; set; }
}

public sealed class RunFeedback
{
    public string RunId { get; set; } = "";

    public string Verdict { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public List<FeedbackItem> Items { get; set; } = [];
}

/// <summary>A learner's feedback "session" on one exercise: failures, hints revealed, recent runs' feedback.</summary>
public sealed class FeedbackSession : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string UserId { get; set; } = "";

    public string ExerciseId { get; set; } = "";

    public int FailedAttempts { get; set; }

    public int HintsRevealed { get; set; }

    public List<string> ProcessedRunIds { get; set; } = [];

    public List<RunFeedback> Runs { get; set; } = [];

    public static string IdFor(string userId, string exerciseId) => $"{userId}:{exerciseId}";
}

/// <summary>The Feedback feature's own database.</summary>
public sealed class FeedbackStore(IDocumentStoreFactory stores)
{
    public const string Database = "feedback";

    public IDocumentCollection<FeedbackSession> Sessions { get; } = stores.Open(Database).Collection<FeedbackSession>("sessions");
}

/// <summary>Hints a learner has revealed on an exercise, for Progress ("passed without hints or after them").</summary>
public interface IHintLedger
{
    Task<int> RevealedAsync(string userId, string exerciseId, CancellationToken cancellationToken);
}

internal sealed class HintLedger(FeedbackStore store) : IHintLedger
{
    public async Task<int> RevealedAsync(string userId, string exerciseId, CancellationToken cancellationToken) =>
        (await store.Sessions.GetAsync(FeedbackSession.IdFor(userId, exerciseId), cancellationToken))?.HintsRevealed ?? 0;
}
