using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Exercises;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Services.Tests.Features.Exercises;

/// <summary>
/// <c>POST /api/exercises/validate</c> on a Services host without a runner: who may ask and which requests are refused
/// before anything runs. The runs themselves, with a real runner, are in Hub.Tests' EndToEnd/AuthoringEndToEndTests.
/// </summary>
[Collection(ServicesCollection.Name)]
public sealed class ValidateExerciseTests(ServicesFixture fixture)
{
    public static CreateExercise.Request Exercise(string courseId) => new(
        CourseId: courseId,
        ModuleId: null,
        Title: "Double it",
        Instructions: "Return twice the number.",
        Language: "python",
        StarterFiles: [new FileContent("double.py", "def double(n):\n    raise NotImplementedError\n")],
        VisibleTests: [new FileContent("test_double.py", "from double import double\n\ndef test_two():\n    assert double(2) == 4\n")],
        HiddenTests: null,
        HiddenChecks: [new HiddenCheck("double.double", [JsonSerializer.SerializeToElement(-3)], Expected: JsonSerializer.SerializeToElement(-6))],
        Solution: [new FileContent("double.py", "def double(n):\n    return n * 2\n")],
        Hints: [],
        ConceptsTaught: ["variables"],
        ConceptsPractised: [],
        Limits: null);

    [Fact]
    public async Task Learner_or_instructor_of_another_course_is_forbidden_and_anonymous_unauthorized()
    {
        var course = await CreateCourseAsync(fixture.Client(TestTokens.Instructor()), NewCourse("validate-" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client().PostAsJsonAsync("/api/exercises/validate", Exercise(course.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Client(TestTokens.Learner()).PostAsJsonAsync("/api/exercises/validate", Exercise(course.Id))).StatusCode);
        await AssertProblemAsync(
            await fixture.Client(TestTokens.Instructor()).PostAsJsonAsync("/api/exercises/validate", Exercise(course.Id)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Missing_or_unknown_course_is_a_validation_problem()
    {
        var admin = fixture.Client(TestTokens.Admin());

        Assert.Contains("courseId", (await AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/exercises/validate", Exercise("no-such-course")))).Keys);
        Assert.Contains("courseId", (await AssertValidationProblemAsync(await admin.PostAsJsonAsync("/api/exercises/validate", Exercise(null!)))).Keys);
    }

    [Fact]
    public async Task An_exercise_that_could_not_be_saved_is_refused_field_by_field_before_running()
    {
        var owner = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("validate-" + Guid.NewGuid().ToString("N")[..8]));
        var request = Exercise(course.Id) with
        {
            Title = " ",
            StarterFiles = [new FileContent("../double.py", "")],
            HiddenChecks = [new HiddenCheck("double double()")],
            Limits = new ExerciseLimits(1, 128),
        };

        var errors = await AssertValidationProblemAsync(await owner.PostAsJsonAsync("/api/exercises/validate", request));

        Assert.Superset(new HashSet<string> { "title", "starterFiles[0].name", "hiddenChecks[0].call", "limits.timeMs" }, errors.Keys.ToHashSet());
    }

    [Fact]
    public async Task Without_a_runner_answering_it_is_a_503_problem()
    {
        // No runner consumes this host's queue: the trial runs wait out the (short) validation timeout.
        using var services = ServicesFixture.With(new Dictionary<string, string> { ["Exercises:ValidationTimeout"] = "00:00:01" });
        var owner = services.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("validate-" + Guid.NewGuid().ToString("N")[..8]));

        var response = await owner.PostAsJsonAsync("/api/exercises/validate", Exercise(course.Id));

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("runner did not answer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
