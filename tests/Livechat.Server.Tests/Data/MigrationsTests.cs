using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Data;

public sealed class MigrationsTests
{
    [Fact]
    public void SqliteMigrationsMatchTheModel()
    {
        using var db = new SqliteDesignFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project src/Livechat.Server --context SqliteLivechatDb -o Data/Migrations/Sqlite");
    }

    [Fact]
    public void PostgresMigrationsMatchTheModel()
    {
        using var db = new PostgresDesignFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project src/Livechat.Server --context PostgresLivechatDb -o Data/Migrations/Postgres");
    }
}
