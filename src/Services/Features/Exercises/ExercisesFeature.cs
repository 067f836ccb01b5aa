using LearningPlatform.ServiceDefaults;

namespace LearningPlatform.Services.Features.Exercises;

public static class ExercisesFeature
{
    public static IHostApplicationBuilder AddExercises(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ExercisesOptions>(ExercisesOptions.SectionName)
            .Validate(o => o.MinTimeLimitMs <= o.DefaultTimeLimitMs && o.DefaultTimeLimitMs <= o.MaxTimeLimitMs, "Exercises: time limits need Min <= Default <= Max.")
            .Validate(o => o.MinMemoryMb <= o.DefaultMemoryMb && o.DefaultMemoryMb <= o.MaxMemoryMb, "Exercises: memory limits need Min <= Default <= Max.")
            .Validate(o => o.MaxFileBytes <= o.MaxTotalFileBytes, "Exercises: MaxFileBytes must not exceed MaxTotalFileBytes.");
        builder.Services.AddSingleton<ExerciseStore>();
        builder.Services.AddSingleton<IExerciseCatalog, ExerciseCatalog>();
        builder.Services.AddSingleton<ExerciseTrials>();
        return builder;
    }

    public static IEndpointRouteBuilder MapExercises(this IEndpointRouteBuilder api)
    {
        // Signed-in users only: anonymous callers get 401 from the group's policy.
        var exercises = api.MapGroup("/exercises").WithTags("Exercises").RequireAuthorization();
        exercises.MapGetExercise();
        exercises.MapCreateExercise();
        exercises.MapUpdateExercise();
        exercises.MapDeleteExercise();
        exercises.MapValidateExercise();
        return api;
    }
}
