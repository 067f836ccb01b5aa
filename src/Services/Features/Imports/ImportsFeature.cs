using LearningPlatform.ServiceDefaults;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>Courses imported whole from archives in an open format (Exercism tracks), validated in the sandbox.</summary>
public static class ImportsFeature
{
    public static IHostApplicationBuilder AddImports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ImportsOptions>(ImportsOptions.SectionName);
        builder.Services.AddSingleton<ImportStore>();
        builder.Services.AddScoped<TrackImporter>();
        builder.Services.AddSingleton<ImportWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportWorker>());
        return builder;
    }

    public static IEndpointRouteBuilder MapImports(this IEndpointRouteBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports");
        imports.MapStartImport();
        imports.MapGetImport();
        return api;
    }
}
