// Knowledge tracing and recommendation benchmark on simulated learners with known hidden skills.
//
// Graph: a synthetic course of 15 concepts (a DAG, each concept after the first with one or two prerequisites among
// earlier ones) and 45 exercises (3 per concept: teaches it, practises one of its prerequisites), because the seeded
// catalog has only 3 exercises per course. Learners: hidden ability, per-concept skill (some already know some
// concepts), a learning rate, learning slowed while prerequisites are not mastered, forgetting with a half-life.
// Histories: mostly course order with retries, sometimes a jump ahead. The model's parameters are fitted by grid
// search on the training learners; AUC of next-attempt correctness and recommendation quality are measured on
// held-out learners. Usage: dotnet run -c Release --project bench/Recommendations.Bench [-- learners=600 seed=7]
using System.Diagnostics;
using System.Globalization;
using LearningPlatform.Services.Features.Recommendations;

var arguments = args.Select(a => a.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
var learnerCount = int.Parse(arguments.GetValueOrDefault("learners", "600"), CultureInfo.InvariantCulture);
var seed = int.Parse(arguments.GetValueOrDefault("seed", "7"), CultureInfo.InvariantCulture);
var attemptsPerLearner = int.Parse(arguments.GetValueOrDefault("attempts", "60"), CultureInfo.InvariantCulture);
var stopwatch = Stopwatch.StartNew();

var world = World.Create(new Random(seed));
Replay.Register(world);
var rng = new Random(seed + 1);
var learners = Enumerable.Range(0, learnerCount).Select(i => Simulation.Run(world, $"l{i}", attemptsPerLearner, rng)).ToList();
var train = learners.Take(learnerCount * 2 / 3).ToList();
var test = learners.Skip(learnerCount * 2 / 3).ToList();
Console.WriteLine($"graph: {world.Graph.ConceptNames.Count} concepts, {world.Graph.Exercises.Count} exercises (synthetic DAG); learners: {train.Count} train, {test.Count} held out; {attemptsPerLearner} attempts each; success rate {learners.SelectMany(l => l.Attempts).Average(a => a.Correct ? 1.0 : 0):0.00}");

// fit: coarse grid on the training learners (log-likelihood), then the forgetting half-life
var best = (Params: new KnowledgeParameters(), LogLik: double.NegativeInfinity);
foreach (var conceptRate in new[] { 0.1, 0.2, 0.4, 0.8 })
foreach (var abilityRate in new[] { 0.2, 0.4, 0.8 })
foreach (var difficultyRate in new[] { 0.2, 0.4 })
foreach (var slope in new[] { 0.0, 0.05, 0.2 })
foreach (var initial in new[] { -0.5, 0.0, 0.5, 1.0 })
foreach (var gain in new[] { 0.0, 0.1, 0.2, 0.3 })
{
    var p = new KnowledgeParameters { PracticeGain = gain, ConceptRate = conceptRate, AbilityRate = abilityRate, DifficultyRate = difficultyRate, Slope = slope, InitialRating = initial };
    var ll = Replay.Run(train, p, new Dictionary<string, (double, int)>()).LogLik;
    if (ll > best.LogLik)
    {
        best = (p, ll);
    }
}

foreach (var halfLife in new[] { 7.0, 15, 30, 60, 120 })
foreach (var floor in new[] { 0.25, 0.5, 0.75 })
{
    var p = best.Params with { HalfLifeDays = halfLife, RetentionFloor = floor };
    var ll = Replay.Run(train, p, new Dictionary<string, (double, int)>()).LogLik;
    if (ll > best.LogLik)
    {
        best = (p, ll);
    }
}

var fitted = best.Params;
Console.WriteLine($"fitted: PracticeGain={fitted.PracticeGain} ConceptRate={fitted.ConceptRate} AbilityRate={fitted.AbilityRate} DifficultyRate={fitted.DifficultyRate} Slope={fitted.Slope} InitialRating={fitted.InitialRating} HalfLifeDays={fitted.HalfLifeDays} RetentionFloor={fitted.RetentionFloor}");

// held out: item difficulties carried over from training, learners' states start fresh
var items = new Dictionary<string, (double, int)>();
Replay.Run(train, fitted, items);
var heldOut = Replay.Run(test, fitted, items, world);
var noForgetting = Replay.Run(test, fitted with { RetentionFloor = 1 }, new Dictionary<string, (double, int)>(items), world);

// predictive baselines for context: the exercise's success rate in training, the learner's running success rate
var itemRate = train.SelectMany(l => l.Attempts).GroupBy(a => a.ExerciseId).ToDictionary(g => g.Key, g => (g.Count(a => a.Correct) + 1.0) / (g.Count() + 2.0));
var itemPredictions = test.SelectMany(l => l.Attempts).Select(a => (itemRate.GetValueOrDefault(a.ExerciseId, 0.5), a.Correct)).ToList();
var learnerPredictions = test.SelectMany(l => l.Attempts.Select((a, i) => ((l.Attempts.Take(i).Count(x => x.Correct) + 1.0) / (i + 2.0), a.Correct))).ToList();

Console.WriteLine();
Console.WriteLine("next-attempt correctness on held-out learners (AUC):");
Console.WriteLine($"  Elo knowledge tracing with forgetting  {heldOut.Auc:0.000}");
Console.WriteLine($"  same, forgetting off                   {noForgetting.Auc:0.000}");
Console.WriteLine($"  (ceiling: the hidden true probabilities {Metrics.Auc(test.SelectMany(l => l.Attempts).Select(a => (a.TrueP, a.Correct)).ToList()):0.000})");
Console.WriteLine($"  baseline: exercise success rate        {Metrics.Auc(itemPredictions):0.000}");
Console.WriteLine($"  baseline: learner running success rate {Metrics.Auc(learnerPredictions):0.000}");
Console.WriteLine();
Console.WriteLine("top-3 recommendations that are ready (true prerequisite mastery >= 0.5) and not yet mastered (true mastery < 0.8):");
Console.WriteLine($"  Elo recommender                        {heldOut.Good.Model:0.000}  (ready {heldOut.Ready.Model:0.000})");
Console.WriteLine($"  baseline: next in course order         {heldOut.Good.CourseOrder:0.000}  (ready {heldOut.Ready.CourseOrder:0.000})");
Console.WriteLine($"  baseline: most popular not yet passed  {heldOut.Good.Popular:0.000}  (ready {heldOut.Ready.Popular:0.000})");
Console.WriteLine($"({heldOut.Checkpoints} checkpoints; {stopwatch.Elapsed.TotalSeconds:0.0} s)");

internal sealed record Attempt(string ExerciseId, bool Correct, DateTimeOffset At, IReadOnlyDictionary<string, double> TrueSkills, double TrueP);

internal sealed record SimulatedLearner(string Id, List<Attempt> Attempts);

internal sealed record World(CourseGraph Graph, Dictionary<string, double> Difficulty)
{
    public const double Offset = 1.0; // true P(correct) = sigmoid(mean skill - difficulty + Offset)

    public static double TrueMastery(double skill) => EloKnowledge.Sigmoid(skill + Offset);

    public static World Create(Random rng)
    {
        const int concepts = 15;
        var names = Enumerable.Range(0, concepts).ToDictionary(i => $"c{i:00}", i => $"Concept {i}");
        var prerequisites = new Dictionary<string, IReadOnlyList<string>>();
        for (var i = 0; i < concepts; i++)
        {
            var count = i == 0 ? 0 : Math.Min(i, rng.Next(1, 3));
            prerequisites[$"c{i:00}"] = [.. Enumerable.Range(0, i).OrderBy(_ => rng.Next()).Take(count).Select(j => $"c{j:00}")];
        }

        var exercises = new List<ExerciseInfo>();
        var difficulty = new Dictionary<string, double>();
        for (var i = 0; i < concepts; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                var id = $"e{i:00}-{k}";
                var pre = prerequisites[$"c{i:00}"];
                exercises.Add(new ExerciseInfo(id, "synthetic", $"Exercise {i}.{k}", exercises.Count, [$"c{i:00}"], pre.Count > 0 ? [pre[rng.Next(pre.Count)]] : []));
                difficulty[id] = Gaussian(rng) * 0.8 + (k - 1) * 0.4;
            }
        }

        return new World(new CourseGraph("synthetic", names, prerequisites, exercises), difficulty);
    }

    public static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

internal static class Simulation
{
    private const double HalfLifeDays = 40;
    private const double Floor = 0.5;

    public static SimulatedLearner Run(World world, string id, int attempts, Random rng)
    {
        var graph = world.Graph;
        var ability = World.Gaussian(rng);
        var rate = 0.15 + rng.NextDouble() * 0.35;
        var baseSkill = graph.ConceptNames.Keys.ToDictionary(c => c, _ => ability * 0.8 + World.Gaussian(rng) * 0.6 - 1.2);
        foreach (var c in baseSkill.Keys.ToList().Where(_ => rng.NextDouble() < 0.15))
        {
            baseSkill[c] += 2.5; // knew it already
        }

        var skill = new Dictionary<string, double>(baseSkill);
        var last = graph.ConceptNames.Keys.ToDictionary(c => c, _ => DateTimeOffset.MinValue);
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var passed = new HashSet<string>();
        var history = new List<Attempt>();
        var cursor = 0;
        var triesHere = 0;
        for (var n = 0; n < attempts; n++)
        {
            now += TimeSpan.FromDays(rng.NextDouble() < 0.05 ? 20 + rng.NextDouble() * 40 : -Math.Log(1 - rng.NextDouble()) * 0.7);
            foreach (var c in skill.Keys.ToList())
            {
                var gain = skill[c] - baseSkill[c];
                if (gain > 0 && last[c] != DateTimeOffset.MinValue)
                {
                    var days = (now - last[c]).TotalDays;
                    skill[c] = baseSkill[c] + gain * (Floor + (1 - Floor) * Math.Pow(2, -days / HalfLifeDays));
                }
            }

            // mostly course order with retries (at most 4 tries), sometimes a jump to an exercise a little ahead
            ExerciseInfo exercise;
            if (rng.NextDouble() < 0.25)
            {
                exercise = graph.Exercises[Math.Min(graph.Exercises.Count - 1, cursor + rng.Next(0, 7))];
            }
            else
            {
                while (cursor < graph.Exercises.Count - 1 && passed.Contains(graph.Exercises[cursor].Id))
                {
                    cursor++;
                }

                exercise = graph.Exercises[cursor];
            }

            var concepts = exercise.Concepts.ToList();
            var p = EloKnowledge.Sigmoid(concepts.Average(c => skill[c]) - world.Difficulty[exercise.Id] + World.Offset);
            var correct = rng.NextDouble() < p;
            history.Add(new Attempt(exercise.Id, correct, now, new Dictionary<string, double>(skill), p));
            foreach (var c in concepts)
            {
                var ready = graph.Prerequisites[c].All(q => World.TrueMastery(skill[q]) >= 0.5);
                skill[c] += rate * (correct ? 1 : 0.6) * (ready ? 1 : 0.3);
                last[c] = now;
            }

            if (correct)
            {
                passed.Add(exercise.Id);
            }

            if (exercise == graph.Exercises[cursor])
            {
                triesHere = correct ? 0 : triesHere + 1;
                if (triesHere >= 4)
                {
                    cursor = Math.Min(graph.Exercises.Count - 1, cursor + 1);
                    triesHere = 0;
                }
            }
        }

        return new SimulatedLearner(id, history);
    }
}

internal static class Replay
{
    public sealed record Shares(double Model, double CourseOrder, double Popular);

    public sealed record Result(double LogLik, double Auc, Shares Good, Shares Ready, int Checkpoints);

    /// <summary>Replays the learners' attempts through the model (predict, then update); with a world, also scores recommendations.</summary>
    public static Result Run(IReadOnlyList<SimulatedLearner> learners, KnowledgeParameters p, Dictionary<string, (double Difficulty, int Attempts)> items, World? world = null)
    {
        var predictions = new List<(double, bool)>();
        var logLik = 0.0;
        var popularity = world is null ? [] : learners.SelectMany(l => l.Attempts).GroupBy(a => a.ExerciseId).OrderByDescending(g => g.Count()).Select(g => g.Key).ToList();
        double good0 = 0, good1 = 0, good2 = 0, ready0 = 0, ready1 = 0, ready2 = 0;
        int n0 = 0, n1 = 0, n2 = 0, checkpoints = 0;
        foreach (var learner in learners)
        {
            var concepts = new Dictionary<string, ConceptKnowledge>();
            var ability = 0.0;
            var abilityAttempts = 0;
            var passed = new HashSet<string>();
            for (var i = 0; i < learner.Attempts.Count; i++)
            {
                var a = learner.Attempts[i];
                var exercise = (world?.Graph.Exercises ?? []).FirstOrDefault(e => e.Id == a.ExerciseId);
                if (world is not null && i > 0 && i % 10 == 0)
                {
                    // recommendations now, judged against the hidden skills now
                    checkpoints++;
                    var truth = a.TrueSkills;
                    bool Ready(string id) => world.Graph.Required(world.Graph.Exercises.First(e => e.Id == id)).All(c => World.TrueMastery(truth[c]) >= 0.5);
                    bool Open(string id) => world.Graph.Exercises.First(e => e.Id == id).Taught.Any(c => World.TrueMastery(truth[c]) < 0.8);
                    var learnerView = new Recommender.Learner(ability, c => concepts.GetValueOrDefault(c), passed,
                        id => items.TryGetValue(id, out var d) ? d.Difficulty : p.InitialDifficulty);
                    var model = Recommender.Rank(learnerView, [world.Graph], a.At, p, new RankingParameters(MaxItems: 3)).Select(r => r.ExerciseId).ToList();
                    var order = world.Graph.Exercises.Select(e => e.Id).Where(id => !passed.Contains(id)).Take(3).ToList();
                    var popular = popularity.Where(id => !passed.Contains(id)).Take(3).ToList();
                    foreach (var id in model) { good0 += Ready(id) && Open(id) ? 1 : 0; ready0 += Ready(id) ? 1 : 0; n0++; }
                    foreach (var id in order) { good1 += Ready(id) && Open(id) ? 1 : 0; ready1 += Ready(id) ? 1 : 0; n1++; }
                    foreach (var id in popular) { good2 += Ready(id) && Open(id) ? 1 : 0; ready2 += Ready(id) ? 1 : 0; n2++; }
                }

                var conceptIds = (exercise?.Concepts ?? ConceptsOf(a.ExerciseId)).ToList();
                var item = items.TryGetValue(a.ExerciseId, out var known) ? known : (Difficulty: p.InitialDifficulty, Attempts: 0);
                var difficulty = item.Difficulty;
                var predicted = EloKnowledge.Update(ref ability, ref abilityAttempts, conceptIds,
                    c => concepts.TryGetValue(c, out var k) ? k : concepts[c] = new ConceptKnowledge { ConceptId = c, Rating = p.InitialRating },
                    ref difficulty, item.Attempts, a.Correct, a.At, p);
                items[a.ExerciseId] = (difficulty, item.Attempts + 1);
                predictions.Add((predicted, a.Correct));
                logLik += Math.Log(Math.Clamp(a.Correct ? predicted : 1 - predicted, 1e-9, 1));
                if (a.Correct)
                {
                    passed.Add(a.ExerciseId);
                }
            }
        }

        return new Result(logLik, Metrics.Auc(predictions),
            new Shares(good0 / Math.Max(1, n0), good1 / Math.Max(1, n1), good2 / Math.Max(1, n2)),
            new Shares(ready0 / Math.Max(1, n0), ready1 / Math.Max(1, n1), ready2 / Math.Max(1, n2)), checkpoints);
    }

    // exercise ids are e{concept}-{k}: without the world at hand (fitting), taught = c{concept}; practised unknown
    private static readonly Dictionary<string, IReadOnlyList<string>> Known = [];

    public static void Register(World world)
    {
        foreach (var e in world.Graph.Exercises)
        {
            Known[e.Id] = [.. e.Concepts];
        }
    }

    private static IReadOnlyList<string> ConceptsOf(string exerciseId) => Known.TryGetValue(exerciseId, out var c) ? c : ["c" + exerciseId[1..3]];
}

internal static class Metrics
{
    /// <summary>Area under the ROC curve by ranks (ties averaged).</summary>
    public static double Auc(IReadOnlyList<(double Score, bool Positive)> predictions)
    {
        var sorted = predictions.OrderBy(p => p.Score).ToList();
        double rankSumPositives = 0;
        var positives = 0;
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j < sorted.Count && sorted[j].Score == sorted[i].Score)
            {
                j++;
            }

            var averageRank = (i + j + 1) / 2.0; // 1-based ranks i+1..j
            for (var k = i; k < j; k++)
            {
                if (sorted[k].Positive)
                {
                    rankSumPositives += averageRank;
                    positives++;
                }
            }

            i = j;
        }

        var negatives = sorted.Count - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSumPositives - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
