using LearningPlatform.Services.Features.Recommendations;

namespace LearningPlatform.Services.Tests.Features.Recommendations;

/// <summary>The pure model: forgetting and review, on a two-concept course.</summary>
public sealed class RecommenderTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly CourseGraph Course = new(
        "c",
        new Dictionary<string, string> { ["loops"] = "Loops", ["arrays"] = "Arrays" },
        new Dictionary<string, IReadOnlyList<string>> { ["loops"] = [], ["arrays"] = ["loops"] },
        [new ExerciseInfo("e-loops", "c", "Loops", 0, ["loops"], []), new ExerciseInfo("e-arrays", "c", "Arrays", 1, ["arrays"], ["loops"])]);

    [Fact]
    public void Mastery_decays_with_time_since_practice_towards_a_floor()
    {
        var p = new KnowledgeParameters();
        var concept = new ConceptKnowledge { ConceptId = "loops", Rating = 2.5, Attempts = 5, LastPracticedAt = Now };

        var fresh = EloKnowledge.Mastery(0, concept, Now, p);
        var month = EloKnowledge.Mastery(0, concept, Now.AddDays(p.HalfLifeDays), p);
        var years = EloKnowledge.Mastery(0, concept, Now.AddYears(10), p);

        Assert.True(fresh > month && month > years);
        Assert.Equal(EloKnowledge.Sigmoid(p.InitialRating + (2.5 - p.InitialRating) * p.RetentionFloor), years, 3);
    }

    [Fact]
    public void A_mastered_concept_that_decayed_is_recommended_for_review_and_what_it_unlocks_is_still_open()
    {
        var loops = new ConceptKnowledge { ConceptId = "loops", Rating = 2.5, Attempts = 6, LastPracticedAt = Now.AddDays(-120), PeakMastery = 0.92 };
        var learner = new Recommender.Learner(0, c => c == "loops" ? loops : null, new HashSet<string> { "e-loops" }, _ => 0);

        var items = Recommender.Rank(learner, [Course], Now, new KnowledgeParameters(), new RankingParameters());

        var review = Assert.Single(items, i => i.Kind == "review");
        Assert.Equal("e-loops", review.ExerciseId);
        Assert.Matches(@"^review loops: mastery fell from 0\.92 to 0\.\d\d since you last practised it$", review.Reason);
        Assert.Contains(items, i => i.ExerciseId == "e-arrays" && i.Reason.StartsWith("practise arrays: mastery", StringComparison.Ordinal));
    }

    [Fact]
    public void An_exercise_whose_prerequisite_is_not_reached_is_not_recommended()
    {
        var learner = new Recommender.Learner(0, _ => null, new HashSet<string>(), _ => 0);

        var items = Recommender.Rank(learner, [Course], Now, new KnowledgeParameters(), new RankingParameters());

        var only = Assert.Single(items);
        Assert.Equal("e-loops", only.ExerciseId);
        Assert.Equal("practise loops: mastery 0.38; unlocks arrays", only.Reason);
    }
}
