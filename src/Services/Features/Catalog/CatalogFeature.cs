namespace LearningPlatform.Services.Features.Catalog;

public static class CatalogFeature
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder api) => api;
}
