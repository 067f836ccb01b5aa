using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Imports;
using LearningPlatform.Services.Tests;
using LearningPlatform.Services.Tests.Features.Imports;
using LearningPlatform.Tests.Shared;
using Xunit.Abstractions;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// Exercism-format tracks of the three languages imported through the gateway and validated by the real runner: the
/// examples pass their tests as the tracks wrote them (skips removed), the stubs fail, an example that fails is reported
/// invalid and not published; a learner then works on an imported exercise, and a re-import keeps their progress.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ImportEndToEndTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData("python", "shout.py", "def shout(text):\n    return text.upper() + \"!\"\n")]
    [InlineData("javascript", "shout.js", "export const shout = (text) => text.toUpperCase() + '!';\n")]
    [InlineData("csharp", "Shout.cs", "public static class Shout\n{\n    public static string Loud(string text) => text.ToUpperInvariant() + \"!\";\n}\n")]
    public async Task A_track_is_imported_validated_in_the_sandbox_and_learners_keep_their_progress_on_reimport(string language, string file, string solution)
    {
        var instructor = TestTokens.NewUserId();
        using var teacher = fixture.Platform.Client(TestTokens.Instructor(instructor));
        var course = await CreateCourseAsync(teacher, NewCourse("e2e-" + Guid.NewGuid().ToString("N")[..8], language));
        var query = $"format=exercism&courseId={course.Id}";

        var clock = Stopwatch.StartNew();
        var response = await ImportsTests.PostArchiveAsync(teacher, ExercismTracks.Archive(language), query);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<StartImport.Accepted>())!.Id;
        var import = await ImportsTests.WaitForImportAsync(teacher, id, TimeSpan.FromMinutes(3));
        output.WriteLine($"{language}: imported and validated in {clock.ElapsedMilliseconds} ms: {import.Message}");
        foreach (var e in import.Exercises)
        {
            output.WriteLine($"  {e.Slug}: {e.Status} {e.Reason}");
        }

        var bySlug = import.Exercises.ToDictionary(e => e.Slug);
        Assert.True(bySlug["shout"].Status == ImportedExerciseStatuses.Imported, bySlug["shout"].Reason);
        Assert.True(bySlug["count-vowels"].Status == ImportedExerciseStatuses.Imported, bySlug["count-vowels"].Reason);
        Assert.Equal(ImportedExerciseStatuses.Invalid, bySlug["broken-example"].Status);
        Assert.Contains("reference solution does not pass", bySlug["broken-example"].Reason);
        var listed = (await teacher.GetFromJsonAsync<Services.Features.Catalog.CourseResponse>($"/api/courses/{course.Id}"))!
            .Modules.SelectMany(m => m.Exercises).Select(e => e.Title).ToList();
        Assert.DoesNotContain("Broken Example", listed);

        // A learner runs the imported exercise: every test of the track runs (the skipped one too) and passes.
        var exerciseId = bySlug["shout"].ExerciseId!;
        var learnerId = TestTokens.NewUserId();
        using var learner = fixture.Platform.Client(TestTokens.Learner(learnerId));
        var run = await learner.PostAsJsonAsync("/api/runs?wait=true", new { exerciseId, mode = "submit", files = new[] { new { name = file, content = solution } } });
        var result = (await run.Content.ReadFromJsonAsync<RunView>())!.Result!;
        Assert.True(result.Verdict == RunVerdict.Passed, string.Join("\n", result.Tests.Select(t => $"{t.Name}: {t.Status} {t.Message}")) + result.Message);
        Assert.Equal(2, result.Tests.Count);
        await WaitForProgressAsync(learner, exerciseId);

        // Re-imported with new instructions: same exercise, the learner's attempt still counted.
        var files = ExercismTracks.Files(language);
        files["exercises/practice/shout/.docs/instructions.md"] = "# Instructions\n\nShout, second edition.\n";
        var again = await ImportsTests.PostArchiveAsync(teacher, ExercismTracks.Archive(files), query);
        var second = await ImportsTests.WaitForImportAsync(teacher, (await again.Content.ReadFromJsonAsync<StartImport.Accepted>())!.Id, TimeSpan.FromMinutes(3));
        var shout = second.Exercises.Single(e => e.Slug == "shout");
        Assert.True(shout.Status == ImportedExerciseStatuses.Imported, shout.Reason);
        Assert.Equal(exerciseId, shout.ExerciseId);
        var view = (await learner.GetFromJsonAsync<ExerciseView>($"/api/exercises/{exerciseId}"))!;
        Assert.Contains("second edition", view.Instructions);
        Assert.Contains(exerciseId, await learner.GetStringAsync("/api/progress/me"));
    }

    private static async Task WaitForProgressAsync(HttpClient learner, string exerciseId)
    {
        for (var i = 0; i < 100 && !(await learner.GetStringAsync("/api/progress/me")).Contains(exerciseId, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(exerciseId, await learner.GetStringAsync("/api/progress/me"));
    }

    private sealed record RunView(string Status, RunResult? Result);
}
