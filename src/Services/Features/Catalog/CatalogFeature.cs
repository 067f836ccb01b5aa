using LearningPlatform.ServiceDefaults;
using LearningPlatform.Services.Features.Catalog.Seed;

namespace LearningPlatform.Services.Features.Catalog;

public static class CatalogFeature
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CatalogOptions>(CatalogOptions.SectionName)
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "Catalog: DefaultPageSize must not exceed MaxPageSize.");
        builder.Services.AddSingleton<CatalogStore>();
        builder.Services.AddSingleton<CourseCatalog>();
        builder.Services.AddHostedService<CatalogSeeder>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder api)
    {
        // Signed-in users only: anonymous callers get 401 from the group's policy.
        var courses = api.MapGroup("/courses").WithTags("Catalog").RequireAuthorization();
        courses.MapSearchCourses();
        courses.MapGetCourse();
        courses.MapCreateCourse();
        courses.MapUpdateCourse();
        return api;
    }
}
