using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Imports;
using LearningPlatform.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Services.Tests.Features.Imports;

/// <summary>
/// Imports of Exercism-format tracks through the real API and store. This host has no runner, so exercises are not
/// validated in the sandbox here (the whole-platform tests in Hub.Tests do that): these check the mapping, the
/// re-import, the refusals and the takeover of an import whose process died.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class ImportsTests(ServicesFixture fixture)
{
    public static async Task<HttpResponseMessage> PostArchiveAsync(HttpClient client, byte[] archive, string query = "format=exercism", string contentType = "application/gzip")
    {
        var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync($"/api/imports?{query}", content);
    }

    public static async Task<ImportResponse> WaitForImportAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var import = (await client.GetFromJsonAsync<ImportResponse>($"/api/imports/{id}"))!;
            if (import.Status != ImportStatuses.Running)
            {
                return import;
            }

            Assert.True(DateTime.UtcNow < deadline, $"import {id} still running: {import.Processed}/{import.Total}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> AcceptedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/imports/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    private static Dictionary<string, string> WithTrackSlug(string language, string slug)
    {
        var files = ExercismTracks.Files(language);
        files["config.json"] = files["config.json"].Replace($"\"slug\": \"{language}\"", $"\"slug\": \"{slug}\"", StringComparison.Ordinal);
        return files;
    }

    [Fact]
    public async Task Admin_imports_a_track_as_a_new_course_mapped_from_the_track_and_its_exercises()
    {
        var admin = fixture.Client(TestTokens.Admin());
        var slug = "py-" + Guid.NewGuid().ToString("N")[..8];

        var import = await WaitForImportAsync(admin, await AcceptedIdAsync(await PostArchiveAsync(admin, ExercismTracks.Archive(WithTrackSlug("python", slug)))));

        Assert.Equal(ImportStatuses.Finished, import.Status);
        Assert.Equal("exercism-" + slug, import.CourseId);
        var byslug = import.Exercises.ToDictionary(e => e.Slug);
        Assert.Equal(ImportedExerciseStatuses.Imported, byslug["shout"].Status);
        Assert.Equal(ImportedExerciseStatuses.Imported, byslug["count-vowels"].Status);
        Assert.Equal(ImportedExerciseStatuses.Skipped, byslug["old-thing"].Status);
        Assert.Contains("deprecated", byslug["old-thing"].Reason);
        Assert.Equal(ImportedExerciseStatuses.Skipped, byslug["first-steps"].Status); // a concept exercise
        Assert.Equal(import.Total, import.Processed);

        var course = (await admin.GetFromJsonAsync<CourseResponse>($"/api/courses/{import.CourseId}"))!;
        Assert.Equal(["python"], course.Languages);
        Assert.Equal("A small fixture track in Python.", course.Summary);
        // Modules by Exercism's difficulty bands, easy first.
        Assert.Equal(["exercism-easy", "exercism-medium", "exercism-hard"], course.Modules.Select(m => m.Id));
        Assert.Equal([byslug["shout"].ExerciseId], course.Modules[0].Exercises.Select(e => e.Id));
        Assert.Equal("Count Vowels", course.Modules[1].Exercises.Single().Title);
        // Concepts: the track's, plus those exercises name without defining ("loops"); prerequisites from concept exercises.
        var concepts = course.Concepts.ToDictionary(c => c.Id);
        Assert.Equal("Loops", concepts["loops"].Name);
        Assert.Equal(["basics"], concepts["strings"].Prerequisites);

        var shout = (await admin.GetFromJsonAsync<ExerciseDetails>($"/api/exercises/{byslug["shout"].ExerciseId}/full"))!;
        Assert.Contains("Make `text` loud", shout.Instructions);
        Assert.Equal(["shout.py"], shout.StarterFiles.Select(f => f.Name));
        Assert.Equal("def shout(text):\n    pass\n", shout.StarterFiles[0].Content);
        // The example becomes the reference solution under the solution file's name.
        Assert.Equal("shout.py", shout.Solution.Single().Name);
        Assert.Contains("text.upper()", shout.Solution[0].Content);
        // Every test runs: the track's skip marks are gone, the tests otherwise as written.
        var test = shout.VisibleTests.Single();
        Assert.Equal("shout_test.py", test.Name);
        Assert.DoesNotContain("@pytest.mark.skip", test.Content);
        Assert.Contains("def test_a_sentence(self):", test.Content);
        Assert.Equal(2, shout.Hints.Count);
        Assert.StartsWith("**General**", shout.Hints[0]);
        Assert.Contains("very end", shout.Hints[1]);
        Assert.Equal(["strings"], shout.ConceptsTaught);
        Assert.Equal(["basics"], shout.ConceptsPractised);
    }

    [Fact]
    public async Task Reimport_updates_exercises_by_slug_in_place_and_leaves_modules_as_they_are()
    {
        var instructor = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(instructor, NewCourse("imp-" + Guid.NewGuid().ToString("N")[..8]));
        var first = await WaitForImportAsync(instructor, await AcceptedIdAsync(await PostArchiveAsync(instructor, ExercismTracks.Archive("python"), $"format=exercism&courseId={course.Id}")));
        Assert.Equal(ImportStatuses.Finished, first.Status);
        var shoutId = first.Exercises.Single(e => e.Slug == "shout").ExerciseId;

        var files = ExercismTracks.Files("python");
        files["exercises/practice/shout/.docs/instructions.md"] = "# Instructions\n\nShout it, now in a second edition.\n";
        var second = await WaitForImportAsync(instructor, await AcceptedIdAsync(await PostArchiveAsync(instructor, ExercismTracks.Archive(files), $"format=exercism&courseId={course.Id}")));

        Assert.Equal(shoutId, second.Exercises.Single(e => e.Slug == "shout").ExerciseId);
        var shout = (await instructor.GetFromJsonAsync<ExerciseDetails>($"/api/exercises/{shoutId}/full"))!;
        Assert.Contains("second edition", shout.Instructions);
        Assert.True(shout.Version > 1);
        var after = (await instructor.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}"))!;
        // The course's own modules first, untouched; each imported exercise listed once.
        Assert.Equal(["basics", "more", "exercism-easy", "exercism-medium", "exercism-hard"], after.Modules.Select(m => m.Id));
        var listed = after.Modules.SelectMany(m => m.Exercises).Select(e => e.Id).ToList();
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Equal(3, listed.Count);
        // The course's concepts kept, the track's added.
        Assert.Contains(after.Concepts, c => c.Id == "variables");
        Assert.Contains(after.Concepts, c => c.Id == "strings");
    }

    [Fact]
    public async Task An_archive_with_one_top_folder_as_github_makes_them_is_read_too()
    {
        var admin = fixture.Client(TestTokens.Admin());
        var slug = "gh-" + Guid.NewGuid().ToString("N")[..8];

        var import = await WaitForImportAsync(admin, await AcceptedIdAsync(await PostArchiveAsync(admin, ExercismTracks.Archive(WithTrackSlug("javascript", slug), topFolder: "javascript-0123abc"))));

        Assert.Equal(ImportStatuses.Finished, import.Status);
        var shout = (await admin.GetFromJsonAsync<ExerciseDetails>($"/api/exercises/{import.Exercises.Single(e => e.Slug == "shout").ExerciseId}/full"))!;
        Assert.Equal("javascript", shout.Language);
        Assert.Equal("shout.js", shout.Solution.Single().Name);
        Assert.DoesNotContain("xtest(", shout.VisibleTests.Single().Content);
        Assert.Contains("import { describe, expect, test, xtest } from '@jest/globals';", shout.VisibleTests.Single().Content);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_what_is_wrong_and_nothing_is_imported()
    {
        var admin = fixture.Client(TestTokens.Admin());
        var instructor = fixture.Client(TestTokens.Instructor());
        var learner = fixture.Client(TestTokens.Learner());
        var archive = ExercismTracks.Archive("python");

        Assert.Equal(HttpStatusCode.Forbidden, (await PostArchiveAsync(learner, archive)).StatusCode);
        Assert.Contains("format", await ValidationKeysAsync(await PostArchiveAsync(admin, archive, "format=scorm")));
        Assert.Contains("courseId", await ValidationKeysAsync(await PostArchiveAsync(instructor, archive)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostArchiveAsync(admin, archive, contentType: "application/json")).StatusCode);
        await AssertProblemAsync(await PostArchiveAsync(admin, "not a gzip"u8.ToArray()), HttpStatusCode.UnprocessableEntity);
        var noConfig = ExercismTracks.Files("python");
        noConfig.Remove("config.json");
        var problem = await PostArchiveAsync(admin, ExercismTracks.Archive(noConfig));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, problem.StatusCode);
        Assert.Contains("config.json", await problem.Content.ReadAsStringAsync());

        // Into someone else's course, or a course of another language.
        var other = await CreateCourseAsync(fixture.Client(TestTokens.Instructor()), NewCourse("other-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostArchiveAsync(instructor, archive, $"format=exercism&courseId={other.Id}")).StatusCode);
        var own = await CreateCourseAsync(instructor, NewCourse("own-" + Guid.NewGuid().ToString("N")[..8]));
        var wrongLanguage = await PostArchiveAsync(instructor, ExercismTracks.Archive("csharp"), $"format=exercism&courseId={own.Id}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongLanguage.StatusCode);
        Assert.Contains("csharp", await wrongLanguage.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_accepted_import_whose_process_died_is_taken_over_and_finished()
    {
        // What a crash leaves: the archive and a running import whose lease has run out, part of it done.
        var store = fixture.Services.GetRequiredService<ImportStore>();
        var instructor = TestTokens.NewUserId();
        var client = fixture.Client(TestTokens.Instructor(instructor));
        var course = await CreateCourseAsync(client, NewCourse("crash-" + Guid.NewGuid().ToString("N")[..8]));
        var id = Guid.NewGuid().ToString("N");
        await store.Archives.InsertAsync(new ImportArchive { Id = id, Data = ExercismTracks.Archive("python") });
        await store.Imports.InsertAsync(new Import
        {
            Id = id, Format = ImportFormats.Exercism, CourseId = course.Id, RequestedBy = instructor, StartedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            LeaseUntil = DateTimeOffset.UtcNow.AddMinutes(-1),
            Exercises = [new ImportedExercise { Slug = "shout", Title = "Shout" }],
        });

        fixture.Services.GetRequiredService<ImportWorker>().Wake();
        var import = await WaitForImportAsync(client, id);

        Assert.Equal(ImportStatuses.Finished, import.Status);
        Assert.All(import.Exercises.Where(e => e.Slug is "shout" or "count-vowels"), e => Assert.Equal(ImportedExerciseStatuses.Imported, e.Status));
        Assert.Single(import.Exercises, e => e.Slug == "shout");
    }

    private static async Task<IEnumerable<string>> ValidationKeysAsync(HttpResponseMessage response) =>
        (await AssertValidationProblemAsync(response)).Keys;
}
