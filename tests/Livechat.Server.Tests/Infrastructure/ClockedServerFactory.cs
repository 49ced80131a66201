using Livechat.Server.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// A server on a fake clock, for the timed actions: the runner's background loop is stopped (a jump of the clock would
/// fire it), so a test moves <see cref="Clock"/> and runs <see cref="TimedActions.RunOnceAsync"/> itself. The database belongs to
/// <paramref name="database"/> (never started), which removes it at the end.
/// </summary>
public abstract class ClockedServerFactory(LivechatServerFactory database) : LivechatServerFactory
{
    /// <summary>Starts at a Monday 00:00 UTC; moves 1 ms at every read, so writes keep their order.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public override string Provider => database.Provider;

    protected override string ConnectionString => database.DatabaseConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        OnClock(builder, Clock);
    }

    /// <summary>
    /// A server for a test that drives time: this clock, and the runner without its background loop (the hosted service
    /// that <see cref="TimedActionsSetup.AddTimedActions"/> registers; the runner itself stays).
    /// </summary>
    public static void OnClock(IWebHostBuilder builder, TimeProvider clock) => builder.ConfigureTestServices(s =>
    {
        s.AddSingleton(clock);
        foreach (var loop in s.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationFactory?.Method.DeclaringType?.DeclaringType == typeof(TimedActionsSetup)).ToList())
        {
            s.Remove(loop);
        }
    });

    /// <summary>One pass of every timed action at the clock's time.</summary>
    public Task<int> RunTimedActionsAsync() => Services.GetRequiredService<TimedActions>().RunOnceAsync();

    /// <summary>Moves the clock to the next <paramref name="day"/> (a week on when it is today) at <paramref name="utcTime"/>.</summary>
    public void MoveToNext(DayOfWeek day, TimeSpan utcTime)
    {
        var now = Clock.GetUtcNow();
        var days = ((int)day - (int)now.DayOfWeek + 7) % 7;
        var target = new DateTimeOffset(now.Date, TimeSpan.Zero).AddDays(days == 0 ? 7 : days) + utcTime;
        Clock.SetUtcNow(target);
    }

    /// <summary>Another process on the same database and clock (PostgreSQL), or this server after a restart.</summary>
    public WebApplicationFactory<Program> Peer() => new PeerServerFactory(this).WithWebHostBuilder(b => OnClock(b, Clock));

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing) database.Dispose();
        }
    }
}

public sealed class ClockedSqliteFactory() : ClockedServerFactory(new SqliteServerFactory());

public sealed class ClockedPostgresFactory() : ClockedServerFactory(new PostgresServerFactory());
