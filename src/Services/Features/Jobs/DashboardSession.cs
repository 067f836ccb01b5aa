using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.Services.Features.Jobs;

/// <summary>
/// <c>POST /api/auth/dashboard-session</c>: an admin trades the bearer token for an HttpOnly cookie scoped to
/// <c>/jobs</c>, so a browser can open the Hangfire dashboard; <c>DELETE</c> ends it.
/// </summary>
public static class DashboardSession
{
    public sealed record Response(string Path, DateTimeOffset ExpiresAt);

    public static void MapDashboardSession(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Jobs");
        group.MapPost("/dashboard-session", Start)
            .RequireAuthorization(AuthExtensions.AdminOnly)
            .WithName("StartDashboardSession")
            .WithSummary("Sets the cookie that lets an admin's browser open the jobs dashboard at /jobs.")
            .Produces<Response>();
        group.MapDelete("/dashboard-session", (HttpContext http) =>
            {
                http.Response.Cookies.Delete(AuthExtensions.DashboardCookie, new CookieOptions { Path = AuthExtensions.DashboardPath });
                return Results.NoContent();
            })
            .WithName("EndDashboardSession")
            .WithSummary("Removes the dashboard cookie.");
    }

    private static IResult Start(HttpContext http, IOptions<JobsOptions> options, TimeProvider time)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (token.Length == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bearer token required",
                detail: "Send the access token in the Authorization header; it is what the cookie will carry.");
        }

        var tokenExpiry = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);
        var limit = time.GetUtcNow() + options.Value.DashboardSessionLifetime;
        var expires = tokenExpiry < limit ? tokenExpiry : limit;
        http.Response.Cookies.Append(AuthExtensions.DashboardCookie, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = AuthExtensions.DashboardPath,
            Expires = expires,
        });
        return Results.Ok(new Response(AuthExtensions.DashboardPath, expires));
    }
}
