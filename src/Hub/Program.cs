using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.Hub.Features.Gateway;
using LearningPlatform.Hub.Features.WebClient;
using LearningPlatform.Hub.Features.Workbench;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("hub");
builder.Services.AddPlatformAuthentication();
builder.AddGateway();
builder.AddDiagnostics();
builder.AddWorkbench();
builder.AddBrowserSecurity();

var app = builder.Build();
app.UseServiceDefaults();
app.UseBrowserSecurity();
app.UseWorkbenchConnectionLimit();
app.UseWebClient();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapGateway();
app.MapWorkbench();
app.MapWebClient();

app.Run();

namespace LearningPlatform.Hub
{
    /// <summary>Marks this assembly for <c>WebApplicationFactory</c> (both hosts' Program classes are global).</summary>
    public sealed class HubEntryPoint;
}
