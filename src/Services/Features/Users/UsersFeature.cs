using LearningPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningPlatform.Services.Features.Users;

public static class UsersFeature
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PasswordPolicyOptions>(PasswordPolicyOptions.SectionName);
        services.AddValidatedOptions<LoginOptions>(LoginOptions.SectionName);
        services.AddValidatedOptions<ProfileOptions>(ProfileOptions.SectionName);
        services.AddValidatedOptions<UserAdminOptions>(UserAdminOptions.SectionName)
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "Users:Admin:DefaultPageSize must not exceed MaxPageSize.");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<UserCollections>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<UserAdminServices>();
        services.AddHostedService<AdminSeeder>();
        services.AddHostedService<RevocationLoader>();
        return builder;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapRegister();
        auth.MapLogin();
        auth.MapRefresh();

        var users = api.MapGroup("/users").WithTags("Users");
        users.MapMe();
        users.MapAdmin();
        return api;
    }
}
