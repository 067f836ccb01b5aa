namespace LearningPlatform.Services.Features.Users;

public static class UsersFeature
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder api) => api;
}
