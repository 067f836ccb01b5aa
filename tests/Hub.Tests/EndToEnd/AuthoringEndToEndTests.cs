using System.Net;
using System.Net.Http.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Tests;
using LearningPlatform.Services.Tests.Features.Exercises;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// <c>POST /api/exercises/validate</c> through the gateway with the real runner: an author sees every test and hidden
/// check of the reference and of the starter, and the problems a save would answer, before saving anything.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AuthoringEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Validate_runs_the_reference_and_the_starter_and_shows_each_test_and_check_of_both()
    {
        using var owner = fixture.Platform.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("authoring-" + Guid.NewGuid().ToString("N")[..8]));

        using var response = await owner.PostAsJsonAsync("/api/exercises/validate", ValidateExerciseTests.Exercise(course.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trial = (await response.Content.ReadFromJsonAsync<ValidateExercise.Response>())!;
        Assert.Equal(RunVerdict.Passed, trial.Reference.Verdict);
        var test = Assert.Single(trial.Reference.Tests);
        Assert.Contains("test_two", test.Name, StringComparison.Ordinal);
        Assert.Equal(TestStatus.Pass, test.Status);
        Assert.Equal(TestStatus.Pass, Assert.Single(trial.Reference.Checks).Status);
        Assert.NotEqual(RunVerdict.Passed, trial.Starter.Verdict);
        Assert.All(trial.Starter.Tests, test => Assert.NotEqual(TestStatus.Pass, test.Status));
        Assert.Empty(trial.Problems);
        // Nothing was saved: the course still has no exercise.
        Assert.Empty((await owner.GetFromJsonAsync<LearningPlatform.Services.Features.Catalog.CourseResponse>($"/api/courses/{course.Id}"))!.Modules.SelectMany(m => m.Exercises));
    }

    [Fact]
    public async Task Validate_names_the_failing_check_of_a_wrong_reference_and_a_starter_that_passes()
    {
        using var owner = fixture.Platform.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("authoring-" + Guid.NewGuid().ToString("N")[..8]));
        // The reference is right for the visible test (2 → 4) and wrong for the hidden check (-3 → -6); the starter is
        // a finished solution.
        var request = ValidateExerciseTests.Exercise(course.Id) with
        {
            StarterFiles = [new FileContent("double.py", "def double(n):\n    return n + n\n")],
            Solution = [new FileContent("double.py", "def double(n):\n    return 4\n")],
        };

        using var response = await owner.PostAsJsonAsync("/api/exercises/validate", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trial = (await response.Content.ReadFromJsonAsync<ValidateExercise.Response>())!;
        Assert.Equal(RunVerdict.Failed, trial.Reference.Verdict);
        Assert.Equal(TestStatus.Pass, Assert.Single(trial.Reference.Tests).Status);
        Assert.Equal(TestStatus.Fail, Assert.Single(trial.Reference.Checks).Status);
        Assert.Equal(RunVerdict.Passed, trial.Starter.Verdict);
        Assert.Contains("failing hidden checks: 1", Assert.Single(trial.Problems["solution"]), StringComparison.Ordinal);
        Assert.Contains("starterFiles", trial.Problems.Keys);
    }
}
