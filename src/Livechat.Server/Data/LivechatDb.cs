using Livechat.Server.Auth;
using Livechat.Server.CustomFields;
using Livechat.Server.Departments;
using Livechat.Server.Events;
using Livechat.Server.Idempotency;
using Livechat.Server.Messages;
using Livechat.Server.Priorities;
using Livechat.Server.Roles;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Livechat.Server.Slas;
using Livechat.Server.Tags;
using Livechat.Server.Users;
using Livechat.Server.Visitors;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Livechat.Server.Data;

/// <summary>The one DbContext. Entity configuration lives next to each entity.</summary>
public class LivechatDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Presence.AgentConnection> UserConnections => Set<Presence.AgentConnection>();
    public DbSet<LoginToken> LoginTokens => Set<LoginToken>();
    public DbSet<LoginAttempt> LoginAttempts => Set<LoginAttempt>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<Permission> Permissions => Set<Permission>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<Visitor> Visitors => Set<Visitor>();
    public DbSet<LivechatRoom> Rooms => Set<LivechatRoom>();
    public DbSet<Inquiry> Inquiries => Set<Inquiry>();
    public DbSet<RoomTag> RoomTags => Set<RoomTag>();
    public DbSet<RoomField> RoomFields => Set<RoomField>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Files.Upload> Uploads => Set<Files.Upload>();
    public DbSet<RoomMember> RoomMembers => Set<RoomMember>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<DepartmentAgent> DepartmentAgents => Set<DepartmentAgent>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Priority> Priorities => Set<Priority>();
    public DbSet<Sla> Slas => Set<Sla>();
    public DbSet<CustomField> CustomFields => Set<CustomField>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<Mail.OutgoingMail> Mails => Set<Mail.OutgoingMail>();
    public DbSet<Mail.TranscriptRequest> TranscriptRequests => Set<Mail.TranscriptRequest>();
    public DbSet<ChangeEventRecord> ChangeEvents => Set<ChangeEventRecord>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<BusinessHours.BusinessHour> BusinessHours => Set<BusinessHours.BusinessHour>();
    public DbSet<Triggers.Trigger> Triggers => Set<Triggers.Trigger>();
    public DbSet<CannedResponses.CannedResponse> CannedResponses => Set<CannedResponses.CannedResponse>();

    ChangeSet? _changes;

    /// <summary>This lease's change-event state (a pooled context starts every lease with a fresh one).</summary>
    internal ChangeSet Changes
    {
        get
        {
            var lease = ContextId.Lease;
            if (_changes is null || _changes.Lease != lease) _changes = new ChangeSet(lease);
            return _changes;
        }
    }

    /// <summary>
    /// Adds an event for a change the change tracker cannot see (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>); it is
    /// stored by the next <c>SaveChanges</c> and published after its commit, like the captured ones. Build it with
    /// <see cref="ChangeEvents.ForRoom"/> or <see cref="ChangeEvents.ForInquiry"/>.
    /// </summary>
    public void RecordChange(ChangeEvent change) => Changes.Record(change);

    /// <summary>
    /// Set for the length of a write's turn in SQLite's group writer: the writer's statements, by which a prepared save
    /// runs instead of EF Core's update pipeline (<see cref="SaveStatements"/>).
    /// </summary>
    internal SqliteStatementCache? GroupWriter { get; set; }

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LivechatDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands dates back without a kind; every date in this server is UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>Target of <c>dotnet ef migrations add --context SqliteLivechatDb</c>.</summary>
public sealed class SqliteLivechatDb(DbContextOptions<SqliteLivechatDb> options) : LivechatDb(options);

/// <summary>Target of <c>dotnet ef migrations add --context PostgresLivechatDb</c>.</summary>
public sealed class PostgresLivechatDb(DbContextOptions<PostgresLivechatDb> options) : LivechatDb(options);
