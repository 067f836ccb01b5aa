using LearningPlatform.Hub.Features.Gateway;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("hub");
builder.Services.AddPlatformAuthentication();
builder.AddGateway();

var app = builder.Build();
app.UseServiceDefaults();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapGateway();

app.Run();

namespace LearningPlatform.Hub
{
    /// <summary>Marks this assembly for <c>WebApplicationFactory</c> (both hosts' Program classes are global).</summary>
    public sealed class HubEntryPoint;
}
