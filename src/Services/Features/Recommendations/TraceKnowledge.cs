using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary>
/// Online knowledge tracing: every counted submission (<see cref="ProgressUpdated"/>) moves the learner's ability and
/// concept ratings and the exercise's difficulty once, then asks for a (debounced) refresh of the learner's list.
/// </summary>
public sealed class TraceKnowledge(
    KnowledgeStore store, RefreshScheduler scheduler, IOptions<RecommendationsOptions> options, ILogger<TraceKnowledge> logger)
    : IIntegrationEventHandler<ProgressUpdated>
{
    private const int MaxWriteAttempts = 10;

    public async Task HandleAsync(EventEnvelope<ProgressUpdated> envelope, CancellationToken cancellationToken)
    {
        var e = envelope.Payload;
        var p = options.Value.Knowledge;
        for (var attempt = 1; ; attempt++)
        {
            var learner = await store.Learners.GetAsync(e.UserId, cancellationToken);
            var isNew = learner is null;
            learner ??= new LearnerKnowledge { Id = e.UserId };
            if (learner.ProcessedRunIds.Contains(e.RunId))
            {
                break; // counted already; still make sure a refresh follows
            }

            var item = await store.Items.GetAsync(e.ExerciseId, cancellationToken);
            var difficulty = item?.Difficulty ?? p.InitialDifficulty;
            var ability = learner.Ability;
            var abilityAttempts = learner.AbilityAttempts;
            EloKnowledge.Update(ref ability, ref abilityAttempts, e.Concepts, c => learner.Find(c) ?? Add(learner, c, p), ref difficulty,
                item?.Attempts ?? 0, e.Passed, e.AttemptedAt, p);
            learner.Ability = ability;
            learner.AbilityAttempts = abilityAttempts;
            learner.ProcessedRunIds.Add(e.RunId);
            if (e.Completed && !learner.CompletedExercises.Contains(e.ExerciseId))
            {
                learner.CompletedExercises.Add(e.ExerciseId);
            }

            if (!learner.CourseIds.Contains(e.CourseId))
            {
                learner.CourseIds.Add(e.CourseId);
            }

            learner.LastActivityAt = e.AttemptedAt > learner.LastActivityAt ? e.AttemptedAt : learner.LastActivityAt;
            try
            {
                if (isNew)
                {
                    await store.Learners.InsertAsync(learner, cancellationToken);
                }
                else
                {
                    await store.Learners.ReplaceAsync(learner, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is ConcurrencyException or DuplicateKeyException && attempt < MaxWriteAttempts)
            {
                RecommendationsLog.KnowledgeWriteRetried(logger, e.UserId, attempt);
                continue;
            }

            // The learner's record is the idempotency guard; the shared difficulty is best effort after it.
            await UpdateDifficultyAsync(e.ExerciseId, difficulty - (item?.Difficulty ?? p.InitialDifficulty), cancellationToken);
            break;
        }

        await scheduler.RequestRefreshAsync(e.UserId);
    }

    private static ConceptKnowledge Add(LearnerKnowledge learner, string conceptId, KnowledgeParameters p)
    {
        var concept = new ConceptKnowledge { ConceptId = conceptId, Rating = p.InitialRating };
        learner.Concepts.Add(concept);
        return concept;
    }

    // Applies the step as a delta on the freshest document, so concurrent learners' steps add up instead of racing.
    private async Task UpdateDifficultyAsync(string exerciseId, double delta, CancellationToken cancellationToken)
    {
        var p = options.Value.Knowledge;
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var item = await store.Items.GetAsync(exerciseId, cancellationToken);
            try
            {
                if (item is null)
                {
                    await store.Items.InsertAsync(new ItemState { Id = exerciseId, Difficulty = p.InitialDifficulty + delta, Attempts = 1 }, cancellationToken);
                }
                else
                {
                    item.Difficulty += delta;
                    item.Attempts++;
                    await store.Items.ReplaceAsync(item, cancellationToken);
                }

                return;
            }
            catch (Exception ex) when (ex is ConcurrencyException or DuplicateKeyException)
            {
                // another learner's step landed first: apply ours on top of it
            }
        }
    }
}
