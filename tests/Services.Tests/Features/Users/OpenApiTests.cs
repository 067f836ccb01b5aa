namespace LearningPlatform.Services.Tests.Features.Users;

[Collection(ServicesCollection.Name)]
public sealed class OpenApiTests(ServicesFixture fixture)
{
    [Fact]
    public async Task OpenApi_ListsEveryUsersRouteByName()
    {
        var document = await fixture.Client().GetStringAsync("/openapi/v1.json");

        foreach (var name in new[] { "Register", "Login", "RefreshToken", "SignOut", "Logout", "GetMe", "UpdateMe", "ListUsers", "GetUser", "SetUserRoles", "DisableUser", "EnableUser" })
        {
            Assert.Contains($"\"operationId\": \"{name}\"", document, StringComparison.Ordinal);
        }
    }
}
