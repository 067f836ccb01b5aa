using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Runs;
using LearningPlatform.Services.Features.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("services");
builder.Services.AddPlatformAuthentication();
builder.AddServiceStorage();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Learning Platform API";
    return Task.CompletedTask;
}));

builder.AddUsers();
builder.AddCatalog();
builder.AddExercises();
builder.AddRuns();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi();

var api = app.MapGroup("/api");
api.MapUsers();
api.MapCatalog();
api.MapExercises();
api.MapRuns();

app.Run();

namespace LearningPlatform.Services
{
    /// <summary>Marks this assembly for <c>WebApplicationFactory</c> (both hosts' Program classes are global).</summary>
    public sealed class ServicesEntryPoint;
}
