using LearningPlatform.Hub.Features.Workbench;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

public sealed class LocalUsersTests
{
    [Fact]
    public void Add_and_Remove_track_each_users_connections()
    {
        var users = new LocalUsers();
        users.Add("u1", "c1");
        users.Add("u1", "c2");
        users.Add("u1", "c2");
        users.Add("u2", "c3");

        Assert.Equal(["c1", "c2"], users.ConnectionsOf("u1"));
        users.Remove("u1", "c1");
        Assert.Equal(["c2"], users.ConnectionsOf("u1"));
        users.Remove("u1", "c2");
        users.Remove("u1", "c2");
        users.Remove("nobody", "c9");
        Assert.Empty(users.ConnectionsOf("u1"));
        Assert.Equal(["c3"], users.ConnectionsOf("u2"));
    }
}
