using System.Net;
using System.Net.Http.Json;
using LearningPlatform.Services.Features.Catalog;
using static LearningPlatform.Services.Tests.Features.Catalog.CatalogApi;

namespace LearningPlatform.Services.Tests.Features.Catalog;

[Collection(ServicesCollection.Name)]
public sealed class CoursesTests(ServicesFixture fixture)
{
    private readonly HttpClient _learner = fixture.Client(TestTokens.Learner());

    private async Task<SearchCourses.Response> SearchAsync(string query)
    {
        var response = await _learner.GetAsync("/api/courses?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SearchCourses.Response>())!;
    }

    [Fact]
    public async Task Search_AsLearner_ListsTheSeededCourseOfEveryLanguage()
    {
        var result = await SearchAsync("pageSize=100");

        var ids = result.Items.Select(c => c.Id).ToList();
        Assert.Contains("csharp-foundations", ids);
        Assert.Contains("python-foundations", ids);
        Assert.Contains("javascript-foundations", ids);
        Assert.True(result.Total >= 3);
        Assert.All(result.Items.Where(c => c.Id.EndsWith("-foundations", StringComparison.Ordinal)), c => Assert.Equal(3, c.ExerciseCount));
    }

    [Fact]
    public async Task Search_Teaching_ListsOnlyTheCallersCourses()
    {
        var instructorId = TestTokens.NewUserId();
        var instructor = fixture.Client(TestTokens.Instructor(instructorId));
        var tag = "teaching-" + Guid.NewGuid().ToString("N")[..8];
        var mine = await CreateCourseAsync(instructor, NewCourse(tag));
        var others = await CreateCourseAsync(fixture.Client(TestTokens.Instructor()), NewCourse(tag));

        var teaching = await instructor.GetFromJsonAsync<SearchCourses.Response>("/api/courses?teaching=true&pageSize=100");

        Assert.Equal([mine.Id], teaching!.Items.Select(c => c.Id));
        Assert.Equal(new[] { mine.Id, others.Id }.Order(), (await SearchAsync("tag=" + tag)).Items.Select(c => c.Id).Order());
    }

    [Fact]
    public async Task GetCourse_Seeded_HasOrderedExercisesAndConceptGraph()
    {
        var course = await _learner.GetFromJsonAsync<CourseResponse>("/api/courses/python-foundations");

        Assert.Equal(["python-greet", "python-count-vowels", "python-flatten"], course!.Modules.SelectMany(m => m.Exercises).Select(e => e.Id));
        Assert.Equal(["functions", "conditionals"], course.Concepts.Single(c => c.Id == "recursion").Prerequisites);
    }

    [Fact]
    public async Task Search_ByText_MatchesTitlesAndExerciseTitlesIgnoringCase()
    {
        var result = await SearchAsync("q=FLATTEN%20nested");

        Assert.Contains(result.Items, c => c.Id == "python-foundations");
        Assert.DoesNotContain(result.Items, c => c.Id == "csharp-foundations");
        Assert.Equal(0, (await SearchAsync("q=no-course-mentions-this-" + Guid.NewGuid().ToString("N"))).Total);
    }

    [Fact]
    public async Task Search_ByTag_ReturnsOnlyCoursesWithTheTag()
    {
        var result = await SearchAsync("tag=DotNet");

        Assert.Contains(result.Items, c => c.Id == "csharp-foundations");
        Assert.All(result.Items, c => Assert.Contains("dotnet", c.Tags));
    }

    [Fact]
    public async Task Search_ByLanguage_ReturnsOnlyCoursesInTheLanguage()
    {
        var result = await SearchAsync("language=javascript");

        Assert.Contains(result.Items, c => c.Id == "javascript-foundations");
        Assert.All(result.Items, c => Assert.Contains("javascript", c.Languages));
    }

    [Fact]
    public async Task Search_ByDifficulty_ReturnsOnlyCoursesOfThatDifficulty()
    {
        var result = await SearchAsync("difficulty=intermediate&pageSize=100");

        Assert.Contains(result.Items, c => c.Id == "javascript-foundations");
        Assert.DoesNotContain(result.Items, c => c.Id == "python-foundations");
        Assert.All(result.Items, c => Assert.Equal("intermediate", c.Difficulty));
    }

    [Fact]
    public async Task Search_PagesThroughMatchesWithAStableTotal()
    {
        var tag = "paging-" + Guid.NewGuid().ToString("N")[..8];
        var instructor = fixture.Client(TestTokens.Instructor());
        for (var i = 0; i < 3; i++)
        {
            await CreateCourseAsync(instructor, NewCourse(tag));
        }

        var first = await SearchAsync($"tag={tag}&pageSize=2&page=1");
        var second = await SearchAsync($"tag={tag}&pageSize=2&page=2");
        var third = await SearchAsync($"tag={tag}&pageSize=2&page=3");

        Assert.Equal([3L, 3L, 3L], new[] { first.Total, second.Total, third.Total });
        Assert.Equal(2, first.Items.Count);
        Assert.Single(second.Items);
        Assert.Empty(third.Items);
        Assert.Equal(3, first.Items.Concat(second.Items).Select(c => c.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=10001", "page")]
    [InlineData("difficulty=expert", "difficulty")]
    [InlineData("language=cobol", "language")]
    public async Task Search_OutOfBounds_IsAValidationProblem(string query, string field)
    {
        var errors = await AssertValidationProblemAsync(await _learner.GetAsync("/api/courses?" + query));

        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public async Task Search_WithoutPageSize_UsesTheDefault()
    {
        var result = await SearchAsync("");

        Assert.Equal(1, result.Page);
        Assert.Equal(20, result.PageSize);
    }

    [Theory]
    [InlineData("GET", "/api/courses")]
    [InlineData("GET", "/api/courses/python-foundations")]
    [InlineData("POST", "/api/courses")]
    [InlineData("PUT", "/api/courses/python-foundations")]
    public async Task Anonymous_IsUnauthorized(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = JsonContent.Create(NewCourse("anonymous"));
        }

        var response = await fixture.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_AsLearner_IsForbidden()
    {
        var response = await _learner.PostAsJsonAsync("/api/courses", NewCourse("learner"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Create_AsInstructor_MakesTheCreatorAnInstructorOfTheCourse()
    {
        var userId = TestTokens.NewUserId();
        var tag = "create-" + Guid.NewGuid().ToString("N")[..8];
        var response = await fixture.Client(TestTokens.Instructor(userId)).PostAsJsonAsync("/api/courses", NewCourse(tag));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CourseResponse>())!;
        Assert.Equal($"/api/courses/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal([userId], created.Instructors);
        Assert.Equal(1, created.Version);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{created.Id}");
        Assert.Equal(created.Title, stored!.Title);
        Assert.Equal([tag], stored.Tags);
    }

    [Fact]
    public async Task Update_ByInstructorOfTheCourseOrAdmin_Succeeds_ByAnotherInstructor_IsForbidden()
    {
        var owner = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("update"));

        var byOther = await fixture.Client(TestTokens.Instructor()).PutAsJsonAsync($"/api/courses/{course.Id}", ToUpdate(course, title: "Hijacked"));
        await AssertProblemAsync(byOther, HttpStatusCode.Forbidden);

        var byOwner = await owner.PutAsJsonAsync($"/api/courses/{course.Id}", ToUpdate(course, title: "Renamed by owner"));
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        var updated = (await byOwner.Content.ReadFromJsonAsync<CourseResponse>())!;
        Assert.Equal(2, updated.Version);

        var byAdmin = await fixture.Client(TestTokens.Admin()).PutAsJsonAsync($"/api/courses/{course.Id}", ToUpdate(updated, title: "Renamed by admin"));
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Equal("Renamed by admin", stored!.Title);
        Assert.Equal(3, stored.Version);
    }

    [Fact]
    public async Task Update_WithStaleVersion_IsAConflictAndChangesNothing()
    {
        var owner = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("stale"));
        var first = await owner.PutAsJsonAsync($"/api/courses/{course.Id}", ToUpdate(course, title: "First edit"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var stale = await owner.PutAsJsonAsync($"/api/courses/{course.Id}", ToUpdate(course, title: "Lost edit"));

        await AssertProblemAsync(stale, HttpStatusCode.Conflict);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Equal("First edit", stored!.Title);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task UnknownCourse_IsNotFoundProblem()
    {
        await AssertProblemAsync(await _learner.GetAsync("/api/courses/no-such-course"), HttpStatusCode.NotFound);
        var course = await CreateCourseAsync(fixture.Client(TestTokens.Instructor()), NewCourse("unknown"));
        await AssertProblemAsync(
            await fixture.Client(TestTokens.Admin()).PutAsJsonAsync("/api/courses/no-such-course", ToUpdate(course)),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_WithPrerequisiteCycle_IsAValidationProblem()
    {
        var request = NewCourse("cycle", concepts:
        [
            new ConceptInput("a", "A", ["c"]),
            new ConceptInput("b", "B", ["a"]),
            new ConceptInput("c", "C", ["b"]),
        ]);

        var errors = await AssertValidationProblemAsync(await fixture.Client(TestTokens.Instructor()).PostAsJsonAsync("/api/courses", request));

        Assert.Contains("cycle", Assert.Single(errors["concepts"]));
    }

    [Fact]
    public async Task Create_WithSelfPrerequisiteOrUnknownConcept_IsAValidationProblem()
    {
        var instructor = fixture.Client(TestTokens.Instructor());

        var self = await AssertValidationProblemAsync(await instructor.PostAsJsonAsync(
            "/api/courses", NewCourse("self", concepts: [new ConceptInput("a", "A", ["a"])])));
        var unknown = await AssertValidationProblemAsync(await instructor.PostAsJsonAsync(
            "/api/courses", NewCourse("unknown", concepts: [new ConceptInput("a", "A", ["missing"])])));

        Assert.Contains("concepts", self.Keys);
        Assert.Contains("concepts[0].prerequisites[0]", unknown.Keys);
    }

    [Fact]
    public async Task Update_IntroducingACycle_IsAValidationProblemAndChangesNothing()
    {
        var owner = fixture.Client(TestTokens.Instructor());
        var course = await CreateCourseAsync(owner, NewCourse("update-cycle"));
        var update = ToUpdate(course) with
        {
            Concepts = [new ConceptInput("variables", "Variables", ["loops"]), new ConceptInput("loops", "Loops", ["variables"])],
        };

        var errors = await AssertValidationProblemAsync(await owner.PutAsJsonAsync($"/api/courses/{course.Id}", update));

        Assert.Contains("concepts", errors.Keys);
        var stored = await _learner.GetFromJsonAsync<CourseResponse>($"/api/courses/{course.Id}");
        Assert.Empty(stored!.Concepts.Single(c => c.Id == "variables").Prerequisites);
    }

    [Fact]
    public async Task Create_WithBadFields_ReportsEachField()
    {
        var request = NewCourse("bad") with { Title = "", Difficulty = "expert", Languages = ["cobol"], Tags = ["has space"] };

        var errors = await AssertValidationProblemAsync(await fixture.Client(TestTokens.Instructor()).PostAsJsonAsync("/api/courses", request));

        Assert.Superset(new HashSet<string> { "title", "difficulty", "languages[0]", "tags[0]" }, errors.Keys.ToHashSet());
    }
}
