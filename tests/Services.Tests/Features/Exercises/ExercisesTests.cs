using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using Microsoft.Extensions.DependencyInjection;
using LearningPlatform.Services.Tests.Features.Catalog;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Services.Tests.Features.Exercises;

[Collection(ServicesCollection.Name)]
public sealed class ExercisesTests(ServicesFixture fixture)
{
    private readonly HttpClient _learner = fixture.Client(TestTokens.Learner());

    private static CreateExercise.Request NewExercise(string courseId, string moduleId = "basics") => new(
        CourseId: courseId,
        ModuleId: moduleId,
        Title: "Double it",
        Instructions: "Return twice the number.",
        Language: "python",
        StarterFiles: [new FileContent("double.py", "def double(n):\n    raise NotImplementedError\n")],
        VisibleTests: [new FileContent("test_double.py", "from double import double\n\ndef test_two():\n    assert double(2) == 4\n")],
        HiddenTests: null,
        HiddenChecks: [new HiddenCheck("double.double", [JsonSerializer.SerializeToElement(-3)], Expected: JsonSerializer.SerializeToElement(-6), Description: "secret-negative")],
        Solution: [new FileContent("double.py", "def double(n):\n    return n * 2  # secret-solution\n")],
        Hints: ["Multiply by two."],
        ConceptsTaught: ["variables"],
        ConceptsPractised: [],
        Limits: new ExerciseLimits(2000, 128));

    private static UpdateExercise.Request ToUpdate(ExerciseDetails e, long? version = null, string? title = null) => new(
        version ?? e.Version, title ?? e.Title, e.Instructions, e.Language, [.. e.StarterFiles], [.. e.VisibleTests], null, [.. e.HiddenChecks],
        [.. e.Solution], [.. e.Hints], [.. e.ConceptsTaught], [.. e.ConceptsPractised], e.Limits);

    /// <summary>A course of a new instructor with one exercise in its "basics" module.</summary>
    private async Task<(HttpClient Owner, CourseResponse Course, ExerciseDetails Exercise)> CourseWithExerciseAsync()
    {
        var owner = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("exercises-" + Guid.NewGuid().ToString("N")[..8]));
        var response = await owner.PostAsJsonAsync("/api/exercises", NewExercise(course.Id));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (owner, course, (await response.Content.ReadFromJsonAsync<ExerciseDetails>())!);
    }

    [Fact]
    public async Task LearnerView_OfSeededExercise_HasNoHiddenCheckValuesAndNoSolution()
    {
        var response = await _learner.GetAsync("/api/exercises/python-flatten");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(text).RootElement;
        Assert.False(json.TryGetProperty("hiddenTests", out _));
        Assert.False(json.TryGetProperty("solution", out _));
        // Of hidden checks only numbers and descriptions: no call, argument or expected value.
        Assert.Equal("flattens deep nesting", json.GetProperty("hiddenChecks")[0].GetProperty("description").GetString());
        Assert.True(json.GetProperty("graded").GetBoolean());
        Assert.DoesNotContain("flatten.flatten", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[1, [2, [3, [4", text.Replace(",", ", ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("flat.extend(flatten(item))", text, StringComparison.Ordinal);
        Assert.Equal("flatten.py", json.GetProperty("starterFiles")[0].GetProperty("name").GetString());
        Assert.Equal("test_flatten.py", json.GetProperty("visibleTests")[0].GetProperty("name").GetString());
        // Hints are released after failed attempts or on request: none yet for a new learner.
        Assert.Equal(0, json.GetProperty("hints").GetArrayLength());
        Assert.Equal(3, json.GetProperty("hintsTotal").GetInt32());
    }

    [Fact]
    public async Task LearnerView_OfCreatedExercise_HasNoHiddenCheckValuesAndNoSolution()
    {
        var (_, _, exercise) = await CourseWithExerciseAsync();

        var text = await _learner.GetStringAsync($"/api/exercises/{exercise.Id}");

        Assert.DoesNotContain("double.double", text, StringComparison.Ordinal);
        Assert.DoesNotContain("-6", text, StringComparison.Ordinal);
        Assert.Contains("secret-negative", text, StringComparison.Ordinal); // the description is for learners
        Assert.DoesNotContain("secret-solution", text, StringComparison.Ordinal);
        Assert.Contains("test_two", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CourseListing_SaysWhichExercisesAreGraded_WithoutTheirChecks()
    {
        var (owner, course, graded) = await CourseWithExerciseAsync();
        var created = await owner.PostAsJsonAsync("/api/exercises", NewExercise(course.Id) with { Title = "Self-checked double", HiddenChecks = null });
        var selfChecked = (await created.Content.ReadFromJsonAsync<ExerciseDetails>())!;

        var text = await _learner.GetStringAsync($"/api/courses/{course.Id}");
        var listed = JsonSerializer.Deserialize<CourseResponse>(text, JsonSerializerOptions.Web)!.Modules.SelectMany(m => m.Exercises).ToDictionary(e => e.Id);
        Assert.True(listed[graded.Id].Graded);
        Assert.False(listed[selfChecked.Id].Graded);
        Assert.DoesNotContain("double.double", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-negative", text, StringComparison.Ordinal);

        // Computed from the exercise as it is now: without its checks it is self-checked at once.
        var saved = await owner.PutAsJsonAsync($"/api/exercises/{graded.Id}", ToUpdate(graded) with { HiddenChecks = [] });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var after = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.All(after!.Modules.SelectMany(m => m.Exercises), e => Assert.False(e.Graded));
        var seeded = await _learner.GetFromJsonAsync<CourseResponse>("/api/courses/python-foundations");
        Assert.All(seeded!.Modules.SelectMany(m => m.Exercises), e => Assert.True(e.Graded, e.Id));
    }

    [Fact]
    public async Task FullView_ForInstructorOfTheCourseAndAdmin_ButNotForOthers()
    {
        var (owner, _, exercise) = await CourseWithExerciseAsync();

        var full = await owner.GetFromJsonAsync<ExerciseDetails>($"/api/exercises/{exercise.Id}/full");
        Assert.Equal(-6, Assert.Single(full!.HiddenChecks).Expected!.Value.GetInt32());
        Assert.Contains("secret-solution", Assert.Single(full.Solution).Content, StringComparison.Ordinal);
        var seeded = await fixture.Client(TestTokens.Admin()).GetFromJsonAsync<ExerciseDetails>("/api/exercises/csharp-fizzbuzz/full");
        Assert.Equal(7, seeded!.HiddenChecks.Count);

        await AssertProblemAsync(await fixture.Client(TestTokens.Instructor()).GetAsync($"/api/exercises/{exercise.Id}/full"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await _learner.GetAsync($"/api/exercises/{exercise.Id}/full")).StatusCode);
    }

    [Fact]
    public async Task Create_AddsTheExerciseAtTheEndOfItsModule()
    {
        var (owner, course, first) = await CourseWithExerciseAsync();

        var second = await owner.PostAsJsonAsync("/api/exercises", NewExercise(course.Id) with { Title = "Triple it" });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var created = (await second.Content.ReadFromJsonAsync<ExerciseDetails>())!;
        Assert.Equal($"/api/exercises/{created.Id}/full", second.Headers.Location?.OriginalString);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Equal([(first.Id, "Double it"), (created.Id, "Triple it")], stored!.Modules.Single(m => m.Id == "basics").Exercises.Select(e => (e.Id, e.Title)));
    }

    [Fact]
    public async Task Create_ByLearnerOrInstructorOfAnotherCourse_IsForbidden()
    {
        var (_, course, _) = await CourseWithExerciseAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await _learner.PostAsJsonAsync("/api/exercises", NewExercise(course.Id))).StatusCode);
        await AssertProblemAsync(
            await fixture.Client(TestTokens.Instructor()).PostAsJsonAsync("/api/exercises", NewExercise(course.Id)),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_IsUnauthorized()
    {
        var anonymous = fixture.Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/exercises/python-flatten")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/exercises/python-flatten/full")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/api/exercises/python-flatten")).StatusCode);
    }

    [Fact]
    public async Task Update_ByInstructorOfTheCourse_RenamesItInTheCourse_ByAnotherInstructor_IsForbidden()
    {
        var (owner, course, exercise) = await CourseWithExerciseAsync();

        var byOther = await fixture.Client(TestTokens.Instructor()).PutAsJsonAsync($"/api/exercises/{exercise.Id}", ToUpdate(exercise, title: "Hijacked"));
        await AssertProblemAsync(byOther, HttpStatusCode.Forbidden);

        var byOwner = await owner.PutAsJsonAsync($"/api/exercises/{exercise.Id}", ToUpdate(exercise, title: "Double it, again"));
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        Assert.Equal(2, (await byOwner.Content.ReadFromJsonAsync<ExerciseDetails>())!.Version);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Equal("Double it, again", stored!.Modules.SelectMany(m => m.Exercises).Single(e => e.Id == exercise.Id).Title);
    }

    [Fact]
    public async Task Update_WithStaleVersion_IsAConflictAndChangesNothing()
    {
        var (owner, _, exercise) = await CourseWithExerciseAsync();
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/exercises/{exercise.Id}", ToUpdate(exercise, title: "First edit"))).StatusCode);

        var stale = await owner.PutAsJsonAsync($"/api/exercises/{exercise.Id}", ToUpdate(exercise, title: "Lost edit"));

        await AssertProblemAsync(stale, HttpStatusCode.Conflict);
        var stored = await owner.GetFromJsonAsync<ExerciseDetails>($"/api/exercises/{exercise.Id}/full");
        Assert.Equal("First edit", stored!.Title);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Update_WithoutVersion_IsAValidationProblem()
    {
        var (owner, _, exercise) = await CourseWithExerciseAsync();

        var errors = await AssertValidationProblemAsync(await owner.PutAsJsonAsync($"/api/exercises/{exercise.Id}", ToUpdate(exercise) with { Version = null }));

        Assert.Contains("version", errors.Keys);
    }

    [Fact]
    public async Task Create_WithBadFileNames_ReportsEachFile()
    {
        var (owner, course, _) = await CourseWithExerciseAsync();
        var request = NewExercise(course.Id) with
        {
            StarterFiles =
            [
                new FileContent("../escape.py", ""),
                new FileContent("dir/file.py", ""),
                new FileContent("dir\\file.py", ""),
                new FileContent(".hidden", ""),
                new FileContent(new string('a', 101), ""),
                new FileContent("", ""),
            ],
            VisibleTests = [new FileContent("test_double.py", ""), new FileContent("test_double.py", "")],
        };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises", request));

        for (var i = 0; i < 6; i++)
        {
            Assert.Contains($"starterFiles[{i}].name", errors.Keys);
        }

        Assert.Contains("visibleTests[1].name", errors.Keys);
        Assert.DoesNotContain("visibleTests[0].name", errors.Keys);
    }

    [Fact]
    public async Task Create_WithOversizedContent_IsAValidationProblem()
    {
        var (owner, course, _) = await CourseWithExerciseAsync();
        var request = NewExercise(course.Id) with { VisibleTests = [new FileContent("test_big.py", new string('#', 64 * 1024 + 1))] };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises", request));

        Assert.Contains("visibleTests[0].content", errors.Keys);
    }

    [Fact]
    public async Task Create_WithHiddenTestFiles_IsRefusedWithWhyAndWhatToGiveInstead()
    {
        var (owner, course, _) = await CourseWithExerciseAsync();
        var request = NewExercise(course.Id) with { HiddenTests = [new FileContent("test_secret.py", "def test_x(): assert True\n")] };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises", request));

        Assert.Contains("hiddenChecks", Assert.Single(errors["hiddenTests"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithMalformedHiddenChecks_ReportsEachField()
    {
        var (owner, course, _) = await CourseWithExerciseAsync();
        var request = NewExercise(course.Id) with
        {
            HiddenChecks =
            [
                new HiddenCheck("double double()"),
                new HiddenCheck("double.double", Compare: CheckComparison.Tolerance),
                new HiddenCheck("double.double", Compare: CheckComparison.Unordered, Expected: JsonSerializer.SerializeToElement(3)),
                new HiddenCheck("main", [JsonSerializer.SerializeToElement(1)], Stdin: "1\n"),
            ],
        };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises", request));

        Assert.Contains("hiddenChecks[0].call", errors.Keys);
        Assert.Contains("hiddenChecks[1].tolerance", errors.Keys);
        Assert.Contains("hiddenChecks[2].expected", errors.Keys);
        Assert.Contains("hiddenChecks[3].stdin", errors.Keys);
    }

    [Fact]
    public async Task Create_WithOutOfBoundsLimitsUnknownConceptsOrForeignLanguage_ReportsEachField()
    {
        var (owner, course, _) = await CourseWithExerciseAsync();
        var request = NewExercise(course.Id) with
        {
            Limits = new ExerciseLimits(60_000, 8),
            ConceptsTaught = ["quantum"],
            Language = "javascript",
            ModuleId = "no-such-module",
        };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises", request));

        Assert.Superset(
            new HashSet<string> { "limits.timeMs", "limits.memoryMb", "conceptsTaught[0]", "language", "moduleId" },
            errors.Keys.ToHashSet());
    }

    [Fact]
    public async Task Create_InUnknownCourse_IsAValidationProblem()
    {
        var errors = await AssertValidationProblemAsync(
            await fixture.Client(TestTokens.Admin()).PostAsJsonAsync("/api/exercises", NewExercise("no-such-course")));

        Assert.Contains("courseId", errors.Keys);
    }

    [Fact]
    public async Task UnknownExercise_IsNotFoundProblem()
    {
        var (_, _, exercise) = await CourseWithExerciseAsync();
        var admin = fixture.Client(TestTokens.Admin());

        await AssertProblemAsync(await _learner.GetAsync("/api/exercises/no-such-exercise"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.GetAsync("/api/exercises/no-such-exercise/full"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PutAsJsonAsync("/api/exercises/no-such-exercise", ToUpdate(exercise)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.DeleteAsync("/api/exercises/no-such-exercise"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ByInstructorOfTheCourse_RemovesItFromTheCourse()
    {
        var (owner, course, exercise) = await CourseWithExerciseAsync();
        await AssertProblemAsync(await fixture.Client(TestTokens.Instructor()).DeleteAsync($"/api/exercises/{exercise.Id}"), HttpStatusCode.Forbidden);

        var response = await owner.DeleteAsync($"/api/exercises/{exercise.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertProblemAsync(await _learner.GetAsync($"/api/exercises/{exercise.Id}"), HttpStatusCode.NotFound);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Empty(stored!.Modules.SelectMany(m => m.Exercises));
    }

    [Fact]
    public async Task CourseUpdate_MayMoveExercisesBetweenModules_ButNotDropThem()
    {
        var (owner, course, exercise) = await CourseWithExerciseAsync();
        course = (await owner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}"))!;
        var dropped = CatalogApi.ToUpdate(course) with
        {
            Modules = [new ModuleInput("basics", "Basics", []), new ModuleInput("more", "More", [])],
        };
        var moved = CatalogApi.ToUpdate(course) with
        {
            Modules = [new ModuleInput("basics", "Basics", []), new ModuleInput("more", "More", [exercise.Id])],
        };

        var errors = await AssertValidationProblemAsync(await owner.PutAsJsonAsync($"/api/courses/{course.Id}", dropped));
        var response = await owner.PutAsJsonAsync($"/api/courses/{course.Id}", moved);

        Assert.Contains("modules", errors.Keys);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await response.Content.ReadFromJsonAsync<CourseResponse>())!;
        Assert.Equal([exercise.Id], stored.Modules.Single(m => m.Id == "more").Exercises.Select(e => e.Id));
    }

    [Fact]
    public async Task ExerciseCatalog_GivesInProcessCallersTheFullExercise()
    {
        var catalog = fixture.Services.GetRequiredService<IExerciseCatalog>();

        var exercise = await catalog.GetAsync("javascript-fibonacci", CancellationToken.None);

        Assert.NotNull(exercise);
        Assert.Equal("RangeError", exercise.Checks()[2].ExpectedError);
        Assert.Equal("fibonacci.js", Assert.Single(exercise.Solution).Name);
        Assert.Null(await catalog.GetAsync("no-such-exercise", CancellationToken.None));
    }
}
