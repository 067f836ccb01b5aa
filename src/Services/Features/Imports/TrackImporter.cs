using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Imports.Exercism;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>Another worker took the import over (this one was too slow to renew its lease): this one stops.</summary>
public sealed class ImportLeaseLostException(string importId) : Exception($"Import {importId} was taken over by another worker.");

/// <summary>
/// Runs one import: reads the track, creates or merges its course, then validates each exercise in the sandbox and
/// publishes the valid ones. Idempotent: exercises are found again by slug, so a re-import (or a run taken over
/// after a crash) updates them in place, keeping their ids and with them learners' sessions and progress.
/// </summary>
public sealed class TrackImporter(
    ImportStore store,
    ExerciseStore exercises,
    CourseCatalog courses,
    ExerciseTrials trials,
    IOptions<ImportsOptions> options,
    IOptions<ExercisesOptions> exerciseOptions,
    IOptions<CatalogOptions> catalogOptions,
    TimeProvider time,
    ILogger<TrackImporter> logger)
{
    private const string ModulePrefix = "exercism-";

    public async Task RunAsync(Import import, CancellationToken cancellationToken)
    {
        var progress = new Progress(store, import, options.Value.LeaseDuration, time);
        using var renewal = progress.RenewWhileRunning(cancellationToken);
        try
        {
            var archive = await store.Archives.GetAsync(import.Id, cancellationToken)
                ?? throw new ImportFormatException("The archive of this import is gone.");
            var plan = ExercismTrack.Read(TrackArchive.Read(archive.Data, options.Value, ExercismTrack.ConfigFile), exerciseOptions.Value, catalogOptions.Value);
            var course = await PrepareCourseAsync(import, plan, cancellationToken);
            await progress.UpdateAsync(i =>
            {
                i.CourseId = course.Id;
                // A run taken over keeps what the first one decided and goes on with the pending exercises.
                var known = i.Exercises.Select(e => e.Slug).ToHashSet(StringComparer.Ordinal);
                i.Exercises.AddRange(plan.Exercises.Where(e => !known.Contains(e.Slug)).Select(e => new ImportedExercise
                {
                    Slug = e.Slug, Title = e.Title, Status = e.Status ?? ImportedExerciseStatuses.Pending, Reason = e.Reason,
                }));
            }, cancellationToken);

            var pending = plan.Exercises.Where(e => import.Exercises.Any(x => x.Slug == e.Slug && x.Status == ImportedExerciseStatuses.Pending)).ToList();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = cancellationToken },
                async (planned, ct) =>
                {
                    var (status, reason, exerciseId) = await ImportExerciseAsync(plan, planned, course, import.RequestedBy, ct);
                    await progress.UpdateAsync(i =>
                    {
                        var entry = i.Exercises.First(x => x.Slug == planned.Slug);
                        (entry.Status, entry.Reason, entry.ExerciseId) = (status, reason, exerciseId);
                    }, ct);
                });

            await progress.UpdateAsync(i =>
            {
                i.Status = ImportStatuses.Finished;
                i.FinishedAt = time.GetUtcNow();
                i.Message = string.Join(", ", i.Exercises.GroupBy(e => e.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
            }, cancellationToken);
            ImportsLog.Finished(logger, import.Id, import.CourseId, import.Message);
        }
        catch (ImportFormatException e)
        {
            await progress.UpdateAsync(i =>
            {
                i.Status = ImportStatuses.Failed;
                i.Message = e.Message;
                i.FinishedAt = time.GetUtcNow();
            }, cancellationToken);
            ImportsLog.Failed(logger, import.Id, e.Message);
        }
    }

    /// <summary>The course asked for (its concepts completed from the track), or the track's own course (admins).</summary>
    private async Task<Course> PrepareCourseAsync(Import import, TrackPlan plan, CancellationToken cancellationToken)
    {
        var courseId = import.CourseId ?? (ModulePrefix + plan.TrackSlug)[..Math.Min(48, ModulePrefix.Length + plan.TrackSlug.Length)];
        if (import.CourseId is null && !import.ByAdmin)
        {
            throw new ImportFormatException("Only admins may import without naming a course.");
        }

        var created = await courses.GetAsync(courseId, cancellationToken) is null && await courses.CreateAsync(new Course
        {
            Id = courseId, Title = plan.Title, Summary = plan.Summary, Difficulty = Difficulties.Beginner, Tags = ["exercism", "practice"],
            Languages = [plan.Language], Concepts = plan.Concepts,
        }, cancellationToken);
        if (!created)
        {
            var max = catalogOptions.Value.MaxConcepts;
            await courses.ChangeAsync(courseId, course =>
            {
                var known = course.Concepts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                var added = plan.Concepts.Where(c => !known.Contains(c.Id)).Take(Math.Max(0, max - course.Concepts.Count)).ToList();
                known.UnionWith(added.Select(c => c.Id));
                course.Concepts.AddRange(added.Select(c => new Concept { Id = c.Id, Name = c.Name, Prerequisites = [.. c.Prerequisites.Where(known.Contains)] }));
                // Edges between the course's own concepts and the track's may close a cycle: those are left out.
                while (CourseRules.FindCycle(course.Concepts.ToDictionary(c => c.Id, c => (IReadOnlyList<string>)c.Prerequisites)) is { Count: > 1 } cycle)
                {
                    course.Concepts.First(c => c.Id == cycle[0]).Prerequisites.Remove(cycle[1]);
                }

                return added.Count > 0;
            }, cancellationToken);
        }

        var course = await courses.GetAsync(courseId, cancellationToken) ?? throw new ImportFormatException($"Course '{courseId}' is gone.");
        if (!course.Languages.Contains(plan.Language))
        {
            throw new ImportFormatException($"Course '{course.Id}' is taught in {string.Join(", ", course.Languages)}; the track is {plan.Language}.");
        }

        return course;
    }

    private async Task<(string Status, string? Reason, string? ExerciseId)> ImportExerciseAsync(
        TrackPlan plan, PlannedExercise planned, Course course, string authorId, CancellationToken cancellationToken)
    {
        var o = exerciseOptions.Value;
        var existing = (await exercises.Exercises.FindAsync(e => e.CourseId == course.Id && e.Slug == planned.Slug, cancellationToken: cancellationToken)).FirstOrDefault();
        // Concepts the course could not take (it is at its limit) are left out rather than making the exercise invalid.
        var known = course.Concepts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var input = new CreateExercise.Request(
            course.Id, null, planned.Title, planned.Instructions, plan.Language,
            planned.Starter, planned.Tests, null, existing?.Checks().ToList(), planned.Solution, planned.Hints,
            [.. planned.Taught.Where(known.Contains)], [.. planned.Practised.Where(known.Contains)],
            existing is null ? null : new ExerciseLimits(existing.TimeLimitMs, existing.MemoryLimitMb));
        var errors = ExerciseRules.Validate(input, o, course);
        if (!errors.IsEmpty)
        {
            return (ImportedExerciseStatuses.Invalid, string.Join(" ", errors.ToDictionary().Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")), existing?.Id);
        }

        // Instructors' own additions to an imported exercise (hidden checks, limits) survive a re-import.
        var candidate = new Exercise { Id = existing?.Id ?? Guid.NewGuid().ToString("N"), CourseId = course.Id, Slug = planned.Slug, Version = existing?.Version ?? 0 };
        ExerciseRules.Apply(input, candidate, o);
        if (o.ValidateWithRunner && await TrialAsync(candidate, authorId, cancellationToken) is { } problem)
        {
            return (ImportedExerciseStatuses.Invalid, problem, existing?.Id);
        }

        try
        {
            if (existing is null)
            {
                await exercises.Exercises.InsertAsync(candidate, cancellationToken);
            }
            else
            {
                await exercises.Exercises.ReplaceAsync(candidate, cancellationToken);
                if (existing.Title != candidate.Title)
                {
                    await courses.RenameExerciseAsync(course.Id, candidate.Id, candidate.Title, cancellationToken);
                }
            }
        }
        catch (ConcurrencyException)
        {
            return (ImportedExerciseStatuses.Invalid, "Changed by someone else while it was being imported; import again to update it.", existing?.Id);
        }

        if (!await AttachAsync(course.Id, planned, candidate.Id, cancellationToken))
        {
            return (ImportedExerciseStatuses.Invalid, $"Course '{course.Id}' has no room for another module.", candidate.Id);
        }

        return (ImportedExerciseStatuses.Imported, null, candidate.Id);
    }

    /// <summary>The reference must pass and the starter must not; a runner that refused, failed or ran out of time is asked again.</summary>
    private async Task<string?> TrialAsync(Exercise candidate, string authorId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        for (var attempt = 0; ; attempt++)
        {
            var trial = await trials.RunAsync(candidate, authorId, cancellationToken);
            // Refused, failed or (for the reference) too slow may be the machine's state rather than the exercise's:
            // asked again before the exercise is called invalid.
            var again = !trial.Answered
                || trial.Reference.Result!.Verdict is RunVerdict.Rejected or RunVerdict.InternalError or RunVerdict.Timeout
                || trial.Starter.Result!.Verdict is RunVerdict.Rejected or RunVerdict.InternalError;
            if (!again || (attempt >= o.RunnerRetries && trial.Answered))
            {
                var problems = trial.Problems();
                return problems.IsEmpty ? null : string.Join(" ", problems.ToDictionary().Values.SelectMany(v => v));
            }

            if (attempt >= o.RunnerRetries)
            {
                return "The sandbox did not answer in time; import again to retry.";
            }

            await Task.Delay(o.RunnerRetryDelay, time, cancellationToken);
        }
    }

    /// <summary>Into the first module of the exercise's difficulty band with room (a new one when all are full), unless the
    /// course already lists it (a re-import leaves exercises where instructors put them).</summary>
    private Task<bool> AttachAsync(string courseId, PlannedExercise planned, string exerciseId, CancellationToken cancellationToken)
    {
        var c = catalogOptions.Value;
        return courses.ChangeAsync(courseId, course =>
        {
            if (course.Modules.Any(m => m.Exercises.Any(e => e.Id == exerciseId)))
            {
                return true;
            }

            var bandId = ModulePrefix + planned.Band;
            var module = course.Modules.FirstOrDefault(m => (m.Id == bandId || m.Id.StartsWith(bandId + "-", StringComparison.Ordinal)) && m.Exercises.Count < c.MaxExercisesPerModule);
            if (module is null)
            {
                if (course.Modules.Count >= c.MaxModules)
                {
                    return false;
                }

                var part = course.Modules.Count(m => m.Id == bandId || m.Id.StartsWith(bandId + "-", StringComparison.Ordinal)) + 1;
                var title = char.ToUpperInvariant(planned.Band[0]) + planned.Band[1..];
                module = new Module { Id = part == 1 ? bandId : $"{bandId}-{part}", Title = part == 1 ? title : $"{title} (part {part})" };
                // Bands in order of difficulty, whatever order exercises arrive in: before the first harder band, else last.
                var order = new[] { "easy", "medium", "hard" };
                var harder = course.Modules.FindIndex(m => m.Id.StartsWith(ModulePrefix, StringComparison.Ordinal)
                    && Array.IndexOf(order, m.Id[ModulePrefix.Length..].Split('-')[0]) > Array.IndexOf(order, planned.Band));
                course.Modules.Insert(harder < 0 ? course.Modules.Count : harder, module);
            }

            module.Exercises.Add(new ExerciseRef { Id = exerciseId, Title = planned.Title });
            return true;
        }, cancellationToken);
    }

    /// <summary>The import's document, written as it progresses (one write at a time), its lease renewed meanwhile.</summary>
    private sealed class Progress(ImportStore store, Import import, TimeSpan lease, TimeProvider time)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task UpdateAsync(Action<Import> change, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                change(import);
                import.LeaseUntil = import.Status == ImportStatuses.Running ? time.GetUtcNow() + lease : time.GetUtcNow();
                try
                {
                    await store.Imports.ReplaceAsync(import, CancellationToken.None);
                }
                catch (ConcurrencyException)
                {
                    throw new ImportLeaseLostException(import.Id);
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public IDisposable RenewWhileRunning(CancellationToken cancellationToken)
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(lease / 3, time);
                try
                {
                    while (await timer.WaitForNextTickAsync(stop.Token))
                    {
                        await UpdateAsync(_ => { }, stop.Token);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or ImportLeaseLostException)
                {
                    // stopped with the import, or the import was taken over: its own next write says so
                }
            }, CancellationToken.None);
            return stop;
        }
    }
}
