using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Catalog.Seed;
using LearningPlatform.Services.Features.Exercises;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LearningPlatform.Services.Tests.Features.Catalog;

[Collection(ServicesCollection.Name)]
public sealed class SeedTests(ServicesFixture fixture)
{
    public static TheoryData<string> CourseIds() => [.. SeedContent.Courses().Select(c => c.Course.Id)];

    [Fact]
    public void SeedContent_HasACourseOfThreeExercisesPerLanguage()
    {
        var courses = SeedContent.Courses();

        Assert.Equal(ProgrammingLanguages.All.Order(), courses.SelectMany(c => c.Course.Languages).Order());
        Assert.All(courses, c =>
        {
            Assert.Equal(3, c.Exercises.Count);
            Assert.Equal(c.Exercises.Select(e => e.Id), c.Course.Modules.SelectMany(m => m.Exercises).Select(e => e.Id));
            Assert.All(c.Exercises, e => Assert.Equal(c.Course.Languages.Single(), e.Language));
        });
    }

    [Theory]
    [MemberData(nameof(CourseIds))]
    public void SeedContent_PassesTheRulesAuthorsAreHeldTo(string courseId)
    {
        var (course, exercises) = SeedContent.Courses().Single(c => c.Course.Id == courseId);
        var courseErrors = CreateCourse.Validate(
            new CreateCourse.Request(
                course.Title, course.Summary, course.Difficulty, course.Tags, course.Languages,
                [.. course.Concepts.Select(c => new ConceptInput(c.Id, c.Name, c.Prerequisites))],
                [.. course.Modules.Select(m => new ModuleInput(m.Id, m.Title, null))],
                course.Instructors),
            new CatalogOptions());
        Assert.Empty(courseErrors.ToDictionary());

        foreach (var e in exercises)
        {
            var request = new CreateExercise.Request(
                course.Id, course.Modules[0].Id, e.Title, e.Instructions, e.Language,
                FileContent.From(e.StarterFiles), FileContent.From(e.VisibleTests), null, [.. e.Checks()], FileContent.From(e.Solution),
                e.Hints, e.ConceptsTaught, e.ConceptsPractised, new ExerciseLimits(e.TimeLimitMs, e.MemoryLimitMb));
            Assert.Empty(ExerciseRules.Validate(request, new ExercisesOptions(), course).ToDictionary());
            Assert.NotEmpty(e.Checks());
            Assert.NotEmpty(e.Hints);
            // The solution stands in for the starter files, so it must provide every one of them.
            Assert.Subset(e.Solution.Select(f => f.Name).ToHashSet(), e.StarterFiles.Select(f => f.Name).ToHashSet());
        }
    }

    [Fact]
    public async Task Seeder_RunAgain_InsertsOnlyWhatIsMissing()
    {
        var seeder = fixture.Services.GetServices<IHostedService>().OfType<CatalogSeeder>().Single();
        var exercises = fixture.Services.GetRequiredService<ExerciseStore>().Exercises;
        var courses = fixture.Services.GetRequiredService<CatalogStore>().Courses;
        var courseVersion = (await courses.GetAsync("csharp-foundations"))!.Version;

        Assert.Equal((0, 0), await seeder.SeedAsync(CancellationToken.None));
        Assert.True(await exercises.DeleteAsync("csharp-factorial"));
        Assert.Equal((0, 1), await seeder.SeedAsync(CancellationToken.None));

        Assert.Equal("Factorial, recursively", (await exercises.GetAsync("csharp-factorial"))!.Title);
        Assert.Equal(courseVersion, (await courses.GetAsync("csharp-foundations"))!.Version);
    }
}
