using System.Security.Claims;
using System.Text;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.ServiceDefaults.Auth;

public static class AuthExtensions
{
    public const string InstructorOrAdmin = "instructor-or-admin";
    public const string AdminOnly = "admin";

    /// <summary>Where the Hangfire dashboard lives, in Services and through the gateway.</summary>
    public const string DashboardPath = "/jobs";

    /// <summary>Cookie carrying an admin's access token to the dashboard (browsers send no bearer header there).</summary>
    public const string DashboardCookie = "lp_dashboard";

    /// <summary>Where the SignalR hubs live: the token may come as <c>access_token</c> query value, and the principal is lean.</summary>
    public const string HubPaths = "/hubs";

    /// <summary>The claim carrying the user's roles (one claim per role).</summary>
    public const string RoleClaimType = "role";

    /// <summary>Endpoints only platform processes call (<see cref="ServiceTokens"/>).</summary>
    public const string ServiceOnly = "service-only";

    /// <summary>
    /// JWT bearer authentication shared by every process: same issuer, audience and key; revoked tokens rejected;
    /// the access token also accepted as <c>access_token</c> query value on hub paths (WebSockets cannot send headers).
    /// Hub connections get a lean principal (see <see cref="PlatformJwtBearerHandler"/>).
    /// </summary>
    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services)
    {
        services.AddValidatedOptions<JwtOptions>(JwtOptions.SectionName);
        services.AddSingleton<TokenRevocation>();
        // AddJwtBearer with our handler: what AddJwtBearer registers, less binding the scheme from configuration.
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<JwtBearerOptions, PlatformJwtBearerHandler>(JwtBearerDefaults.AuthenticationScheme, null);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, JwtBearerPostConfigureOptions>());
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwtOptions) =>
            {
                var jwt = jwtOptions.Value;
                bearer.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties; saved, every hub connection would
                // keep another copy of it.
                bearer.SaveToken = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = SigningKey(jwt),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = RoleClaimType,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.Request.Path.StartsWithSegments(HubPaths))
                        {
                            context.Token = token;
                        }

                        // A browser navigating to the jobs dashboard sends no bearer header: the token comes in the
                        // cookie that POST /api/auth/dashboard-session set (path-scoped to /jobs, HttpOnly).
                        if (context.Request.Path.StartsWithSegments(DashboardPath)
                            && !context.Request.Headers.Authorization.Any()
                            && context.Request.Cookies[DashboardCookie] is { Length: > 0 } cookie)
                        {
                            context.Token = cookie;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        var revocation = context.HttpContext.RequestServices.GetRequiredService<TokenRevocation>();
                        var userId = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
                        var generation = long.TryParse(context.Principal?.FindFirstValue(TokenRevocation.ClaimType), out var g) ? g : 0;
                        bool revoked;
                        try
                        {
                            revoked = userId is null || await revocation.IsRevokedAsync(userId, generation);
                        }
                        catch (Exception e) when (DependencyUnavailableHandler.IsOutage(e))
                        {
                            // Failed with the outage, not thrown: the handler would log a thrown one at Error, and
                            // the 503 it becomes (PlatformJwtBearerHandler) is logged once, at Warning.
                            context.Fail(e);
                            return;
                        }

                        if (revoked)
                        {
                            context.Fail("The token was revoked.");
                        }
                    },
                };
            });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddPolicy(InstructorOrAdmin, p => p.RequireRole(Roles.Instructor, Roles.Admin))
            .AddPolicy(AdminOnly, p => p.RequireRole(Roles.Admin))
            .AddPolicy(ServiceOnly, p => p.RequireRole(Roles.Service));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServiceTokens>();
        return services;
    }

    public static SymmetricSecurityKey SigningKey(JwtOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    /// <summary>Claim of access tokens: when the account was created (Unix seconds).</summary>
    public const string AccountCreatedClaim = "created";

    /// <summary>When the signed-in user's account was created, when the token says so.</summary>
    public static DateTimeOffset? AccountCreatedAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(AccountCreatedClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>The signed-in user's id (the token's <c>sub</c>).</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("No signed-in user.");
}
