namespace LearningPlatform.Services.Features.Recommendations;

// Pure model code, no ASP.NET: bench/Recommendations.Bench compiles this file as is.

/// <summary>
/// Parameters of the Elo-style knowledge tracer; every one is an option of <see cref="RecommendationsOptions"/>.
/// bench/Recommendations.Bench fits them on simulated learners (a 45-exercise synthetic course: ConceptRate 0.4,
/// AbilityRate 0.4, DifficultyRate 0.2, Slope 0.05, PracticeGain 0.1, InitialRating -0.5, HalfLifeDays 60,
/// RetentionFloor 0.25). The defaults here take larger concept steps because the built-in courses teach each concept
/// in one exercise: one clean pass should unlock what depends on it. Refit once real attempts accumulate.
/// </summary>
public sealed record KnowledgeParameters
{
    /// <summary>Starting rating of a learner on a concept (logit scale; mastery = sigmoid(ability + rating)).</summary>
    public double InitialRating { get; init; } = -0.5;

    /// <summary>Starting difficulty of an exercise nobody has tried (logit scale).</summary>
    public double InitialDifficulty { get; init; } = -1.0;

    /// <summary>Step of the learner's concept rating on the first attempt; shrinks as 1/(1 + Slope * n).</summary>
    public double ConceptRate { get; init; } = 1.2;

    /// <summary>Step of the learner's overall ability, shared by all concepts.</summary>
    public double AbilityRate { get; init; } = 0.4;

    /// <summary>Step of an exercise's difficulty on its first attempt.</summary>
    public double DifficultyRate { get; init; } = 0.8;

    /// <summary>
    /// What one attempt teaches whatever its outcome (added to each concept's rating after the surprise step):
    /// plain Elo reads a failure only as evidence of low skill, but practising, failures included, also teaches.
    /// </summary>
    public double PracticeGain { get; init; } = 0.1;

    /// <summary>How fast steps shrink with the number of earlier attempts (Pelanek's uncertainty function a/(1+bn)).</summary>
    public double Slope { get; init; } = 0.1;

    /// <summary>Days after which half of a concept's gain above the prior is forgotten (down to the floor).</summary>
    public double HalfLifeDays { get; init; } = 30;

    /// <summary>Share of the gain that is never forgotten.</summary>
    public double RetentionFloor { get; init; } = 0.5;
}

/// <summary>A learner's rating on one concept.</summary>
public sealed class ConceptKnowledge
{
    public string ConceptId { get; set; } = "";

    public double Rating { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset LastPracticedAt { get; set; }

    /// <summary>Highest mastery reached right after practice: a concept that fell from it is due for review.</summary>
    public double PeakMastery { get; set; }
}

/// <summary>An exercise's difficulty as learned from everyone's attempts.</summary>
public sealed record ItemDifficulty(double Difficulty, int Attempts);

/// <summary>
/// Elo-style knowledge tracing (Pelanek 2016; Klinkenberg et al. 2011) with one overall ability per learner, one
/// rating per learner and concept, one difficulty per exercise, and forgetting: the part of a concept rating above
/// the prior decays with time since last practice, with a half-life, toward a floor.
/// P(correct) = sigmoid(ability + mean(effective concept ratings) - difficulty).
/// </summary>
public static class EloKnowledge
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The concept rating after forgetting since its last practice.</summary>
    public static double Effective(ConceptKnowledge? concept, DateTimeOffset now, KnowledgeParameters p)
    {
        if (concept is null)
        {
            return p.InitialRating;
        }

        var gain = concept.Rating - p.InitialRating;
        if (gain <= 0 || now <= concept.LastPracticedAt)
        {
            return concept.Rating;
        }

        var days = (now - concept.LastPracticedAt).TotalDays;
        var kept = p.RetentionFloor + (1 - p.RetentionFloor) * Math.Pow(2, -days / p.HalfLifeDays);
        return p.InitialRating + gain * kept;
    }

    /// <summary>Probability of succeeding at an exercise of average difficulty on this concept now.</summary>
    public static double Mastery(double ability, ConceptKnowledge? concept, DateTimeOffset now, KnowledgeParameters p) =>
        Sigmoid(ability + Effective(concept, now, p));

    public static double Predict(
        double ability, IReadOnlyList<string> concepts, Func<string, ConceptKnowledge?> find, double difficulty, DateTimeOffset now, KnowledgeParameters p)
    {
        var mean = concepts.Count == 0 ? p.InitialRating : concepts.Average(c => Effective(find(c), now, p));
        return Sigmoid(ability + mean - difficulty);
    }

    /// <summary>
    /// One observed attempt: moves the ability, each concept's rating and (when given) the difficulty by the
    /// surprise (observed minus predicted). Returns the prediction made before the update.
    /// </summary>
    public static double Update(
        ref double ability,
        ref int abilityAttempts,
        IReadOnlyList<string> concepts,
        Func<string, ConceptKnowledge> getOrAdd,
        ref double difficulty,
        int difficultyAttempts,
        bool correct,
        DateTimeOffset at,
        KnowledgeParameters p)
    {
        var states = concepts.Distinct().Select(getOrAdd).ToList();
        foreach (var s in states)
        {
            s.Rating = Effective(s.Attempts == 0 ? null : s, at, p); // forgetting materialises at the next practice
        }

        var predicted = Predict(ability, concepts, c => states.First(s => s.ConceptId == c), difficulty, at, p);
        var surprise = (correct ? 1 : 0) - predicted;
        ability += p.AbilityRate / (1 + p.Slope * abilityAttempts) * surprise;
        abilityAttempts++;
        foreach (var s in states)
        {
            s.Rating += p.ConceptRate / (1 + p.Slope * s.Attempts) * surprise + p.PracticeGain;
            s.Attempts++;
            s.LastPracticedAt = at;
        }

        foreach (var s in states)
        {
            s.PeakMastery = Math.Max(s.PeakMastery, Sigmoid(ability + s.Rating));
        }

        difficulty -= p.DifficultyRate / (1 + p.Slope * difficultyAttempts) * surprise;
        return predicted;
    }
}

/// <summary>What the recommender needs to know of an exercise.</summary>
public sealed record ExerciseInfo(string Id, string CourseId, string Title, int Order, IReadOnlyList<string> Taught, IReadOnlyList<string> Practised)
{
    public IEnumerable<string> Concepts => Taught.Union(Practised);
}

/// <summary>One course's concept graph and ordered exercises.</summary>
public sealed record CourseGraph(
    string CourseId, IReadOnlyDictionary<string, string> ConceptNames, IReadOnlyDictionary<string, IReadOnlyList<string>> Prerequisites, IReadOnlyList<ExerciseInfo> Exercises)
{
    /// <summary>Concepts some exercise of the course teaches: the only ones the course can measure.</summary>
    public IReadOnlySet<string> Measured { get; } = Exercises.SelectMany(e => e.Taught).ToHashSet();

    public string Name(string conceptId) => ConceptNames.TryGetValue(conceptId, out var n) ? n.ToLowerInvariant() : conceptId;

    /// <summary>
    /// Concepts a learner must have reached before the exercise: prerequisites of what it teaches, and what it only
    /// practises; less what it teaches itself and concepts no exercise of the course teaches (assumed background).
    /// </summary>
    public IReadOnlyList<string> Required(ExerciseInfo exercise) =>
        [.. exercise.Taught.SelectMany(c => Prerequisites.TryGetValue(c, out var p) ? p : [])
            .Union(exercise.Practised)
            .Except(exercise.Taught)
            .Where(Measured.Contains)
            .Distinct()];

    /// <summary>Concepts whose prerequisites include <paramref name="conceptId"/>.</summary>
    public IEnumerable<string> Unlocks(string conceptId) =>
        Prerequisites.Where(kv => kv.Value.Contains(conceptId)).Select(kv => kv.Key);
}

/// <summary>Thresholds of the ranking.</summary>
public sealed record RankingParameters(
    double PrerequisiteThreshold = 0.5, double MasteryThreshold = 0.8, double TargetSuccess = 0.65, double ReviewDrop = 0.1, int MaxItems = 5);

/// <summary>Ranks next exercises from a learner's knowledge; pure, so the benchmark runs the same code.</summary>
public static class Recommender
{
    public sealed record Learner(
        double Ability, Func<string, ConceptKnowledge?> Concept, IReadOnlySet<string> Completed, Func<string, double> Difficulty);

    public static List<Contracts.Events.RecommendedExercise> Rank(
        Learner learner, IReadOnlyList<CourseGraph> courses, DateTimeOffset now, KnowledgeParameters p, RankingParameters r)
    {
        var items = new List<Contracts.Events.RecommendedExercise>();
        double MasteryOf(string c) => EloKnowledge.Mastery(learner.Ability, learner.Concept(c), now, p);
        foreach (var course in courses)
        {
            foreach (var exercise in course.Exercises)
            {
                var required = course.Required(exercise);
                if (required.Any(c => MasteryOf(c) < r.PrerequisiteThreshold))
                {
                    continue; // never ahead of the prerequisites
                }

                var taught = exercise.Taught.Count > 0 ? exercise.Taught : [.. exercise.Practised];
                if (learner.Completed.Contains(exercise.Id))
                {
                    // review: a concept mastered once that forgetting has pulled down
                    var decayed = taught
                        .Select(c => (Id: c, Now: MasteryOf(c), Peak: learner.Concept(c)?.PeakMastery ?? 0))
                        .Where(x => x.Peak >= r.MasteryThreshold && x.Peak - x.Now >= r.ReviewDrop && x.Now < r.MasteryThreshold)
                        .OrderByDescending(x => x.Peak - x.Now)
                        .FirstOrDefault();
                    if (decayed.Id is not null)
                    {
                        items.Add(new(exercise.Id, course.CourseId, exercise.Title, "review", 0.5 + (decayed.Peak - decayed.Now),
                            $"review {course.Name(decayed.Id)}: mastery fell from {decayed.Peak:0.00} to {decayed.Now:0.00} since you last practised it"));
                    }

                    continue;
                }

                var weakest = taught.OrderBy(MasteryOf).FirstOrDefault();
                var mastery = weakest is null ? 0 : MasteryOf(weakest);
                if (weakest is not null && mastery >= r.MasteryThreshold)
                {
                    continue; // nothing new to learn here
                }

                var success = EloKnowledge.Predict(learner.Ability, [.. exercise.Concepts], learner.Concept, learner.Difficulty(exercise.Id), now, p);
                var unlocks = taught.SelectMany(course.Unlocks).Except(exercise.Concepts).Distinct().Select(course.Name).ToList();
                var score = 1 - Math.Abs(success - r.TargetSuccess) + 0.05 * unlocks.Count - 0.01 * exercise.Order;
                var reason = weakest is null
                    ? $"practise {exercise.Title}"
                    : $"practise {course.Name(weakest)}: mastery {mastery:0.00}";
                if (unlocks.Count > 0)
                {
                    reason += $"; unlocks {string.Join(", ", unlocks)}";
                }

                if (required.Count > 0)
                {
                    reason += $"; you are ready: {string.Join(", ", required.Select(course.Name))} reached";
                }

                items.Add(new(exercise.Id, course.CourseId, exercise.Title, "practise", Math.Round(score, 4), reason));
            }
        }

        return [.. items.OrderByDescending(i => i.Score).ThenBy(i => i.ExerciseId, StringComparer.Ordinal).Take(r.MaxItems)];
    }
}
