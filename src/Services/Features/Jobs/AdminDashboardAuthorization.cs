using Hangfire.Dashboard;
using LearningPlatform.Contracts;

namespace LearningPlatform.Services.Features.Jobs;

/// <summary>
/// The dashboard's own gate (Hangfire does not run ASP.NET authorization): admins only, as authenticated by the
/// platform's JWT scheme from the bearer header or the dashboard cookie. Hangfire answers 401 to anonymous callers
/// and 403 to signed-in non-admins.
/// </summary>
public sealed class AdminDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return Task.FromResult(user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin));
    }
}
