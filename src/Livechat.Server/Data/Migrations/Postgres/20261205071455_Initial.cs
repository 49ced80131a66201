using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Livechat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "change_events",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Type = table.Column<string>(type: "text", nullable: false),
                    RoomId = table.Column<string>(type: "text", nullable: true),
                    VisitorId = table.Column<string>(type: "text", nullable: true),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Origin = table.Column<string>(type: "text", nullable: false),
                    Audited = table.Column<bool>(type: "boolean", nullable: false),
                    Data = table.Column<string>(type: "text", nullable: false),
                    Audit = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_change_events", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "custom_fields",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Label = table.Column<string>(type: "text", nullable: false),
                    Scope = table.Column<string>(type: "text", nullable: false),
                    Visibility = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: true),
                    Regexp = table.Column<string>(type: "text", nullable: true),
                    Required = table.Column<bool>(type: "boolean", nullable: true),
                    DefaultValue = table.Column<string>(type: "text", nullable: true),
                    Options = table.Column<string>(type: "text", nullable: true),
                    Public = table.Column<bool>(type: "boolean", nullable: true),
                    Searchable = table.Column<bool>(type: "boolean", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_fields", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "department_agents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    AgentId = table.Column<string>(type: "text", nullable: false),
                    DepartmentId = table.Column<string>(type: "text", nullable: false),
                    Username = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    DepartmentEnabled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_department_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "departments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Email = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: true),
                    ShowOnRegistration = table.Column<bool>(type: "boolean", nullable: false),
                    ShowOnOfflineForm = table.Column<bool>(type: "boolean", nullable: false),
                    RequestTagBeforeClosingChat = table.Column<bool>(type: "boolean", nullable: true),
                    ChatClosingTags = table.Column<List<string>>(type: "text[]", nullable: true),
                    FallbackForwardDepartment = table.Column<string>(type: "text", nullable: true),
                    DepartmentsAllowedToForward = table.Column<List<string>>(type: "text[]", nullable: true),
                    Archived = table.Column<bool>(type: "boolean", nullable: false),
                    NumAgents = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_departments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    Caller = table.Column<string>(type: "text", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    RequestHash = table.Column<string>(type: "text", nullable: false),
                    Completed = table.Column<bool>(type: "boolean", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: true),
                    ContentType = table.Column<string>(type: "text", nullable: true),
                    ETag = table.Column<string>(type: "text", nullable: true),
                    PreferenceApplied = table.Column<string>(type: "text", nullable: true),
                    Body = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_keys", x => new { x.Caller, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "inquiries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Rid = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    VisitorId = table.Column<string>(type: "text", nullable: false),
                    VisitorUsername = table.Column<string>(type: "text", nullable: false),
                    VisitorToken = table.Column<string>(type: "text", nullable: false),
                    VisitorStatus = table.Column<string>(type: "text", nullable: false),
                    Department = table.Column<string>(type: "text", nullable: true),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TakenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PriorityId = table.Column<string>(type: "text", nullable: true),
                    PriorityWeight = table.Column<int>(type: "integer", nullable: false),
                    SlaId = table.Column<string>(type: "text", nullable: true),
                    EstimatedWaitingTimeQueue = table.Column<int>(type: "integer", nullable: false),
                    SourceType = table.Column<string>(type: "text", nullable: false),
                    SourceDestination = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inquiries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "login_attempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Ip = table.Column<string>(type: "text", nullable: false),
                    Username = table.Column<string>(type: "text", nullable: true),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_login_attempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Rid = table.Column<string>(type: "text", nullable: false),
                    Msg = table.Column<string>(type: "text", nullable: false),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Username = table.Column<string>(type: "text", nullable: false),
                    UserDisplayName = table.Column<string>(type: "text", nullable: true),
                    Token = table.Column<string>(type: "text", nullable: true),
                    Alias = table.Column<string>(type: "text", nullable: true),
                    T = table.Column<string>(type: "text", nullable: true),
                    Groupable = table.Column<bool>(type: "boolean", nullable: true),
                    Unread = table.Column<bool>(type: "boolean", nullable: true),
                    PriorityData = table.Column<string>(type: "text", nullable: true),
                    SlaData = table.Column<string>(type: "text", nullable: true),
                    EditedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EditedById = table.Column<string>(type: "text", nullable: true),
                    EditedByUsername = table.Column<string>(type: "text", nullable: true),
                    DeletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "permissions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_permissions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "priorities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    I18n = table.Column<string>(type: "text", nullable: false),
                    SortItem = table.Column<int>(type: "integer", nullable: false),
                    Dirty = table.Column<bool>(type: "boolean", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true),
                    NameKey = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_priorities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Scope = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: false),
                    Protected = table.Column<bool>(type: "boolean", nullable: false),
                    Mandatory2fa = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "room_fields",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "text", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false),
                    ValueLower = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_fields", x => new { x.RoomId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "room_tags",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "text", nullable: false),
                    Tag = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_room_tags", x => new { x.RoomId, x.Tag });
                });

            migrationBuilder.CreateTable(
                name: "rooms",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Fname = table.Column<string>(type: "text", nullable: false),
                    Msgs = table.Column<int>(type: "integer", nullable: false),
                    UsersCount = table.Column<int>(type: "integer", nullable: false),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Lm = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Open = table.Column<bool>(type: "boolean", nullable: false),
                    WaitingResponse = table.Column<bool>(type: "boolean", nullable: false),
                    VisitorId = table.Column<string>(type: "text", nullable: false),
                    VisitorUsername = table.Column<string>(type: "text", nullable: false),
                    VisitorToken = table.Column<string>(type: "text", nullable: false),
                    VisitorStatus = table.Column<string>(type: "text", nullable: false),
                    VisitorLastMessageTs = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ServedById = table.Column<string>(type: "text", nullable: true),
                    ServedByUsername = table.Column<string>(type: "text", nullable: true),
                    ServedByTs = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DepartmentId = table.Column<string>(type: "text", nullable: true),
                    SourceType = table.Column<string>(type: "text", nullable: false),
                    SourceDestination = table.Column<string>(type: "text", nullable: true),
                    QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResponseById = table.Column<string>(type: "text", nullable: true),
                    ResponseByUsername = table.Column<string>(type: "text", nullable: true),
                    FirstResponseTs = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResponseLastMessageTs = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastMessage = table.Column<string>(type: "text", nullable: true),
                    Topic = table.Column<string>(type: "text", nullable: true),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: true),
                    LivechatData = table.Column<string>(type: "text", nullable: true),
                    PriorityId = table.Column<string>(type: "text", nullable: true),
                    PriorityWeight = table.Column<int>(type: "integer", nullable: false),
                    SlaId = table.Column<string>(type: "text", nullable: true),
                    EstimatedWaitingTimeQueue = table.Column<int>(type: "integer", nullable: false),
                    Sms = table.Column<string>(type: "text", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedById = table.Column<string>(type: "text", nullable: true),
                    ClosedByUsername = table.Column<string>(type: "text", nullable: true),
                    Closer = table.Column<string>(type: "text", nullable: true),
                    ChatDuration = table.Column<double>(type: "double precision", nullable: true),
                    ServiceTimeDuration = table.Column<double>(type: "double precision", nullable: true),
                    CrmData = table.Column<string>(type: "text", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rooms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "settings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_settings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "slas",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: true),
                    DueTimeInMinutes = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_slas", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tags",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    NameKey = table.Column<string>(type: "text", nullable: false),
                    Description = table.Column<string>(type: "text", nullable: true),
                    Departments = table.Column<List<string>>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tags", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Username = table.Column<string>(type: "text", nullable: false),
                    UsernameKey = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true),
                    Email = table.Column<string>(type: "text", nullable: true),
                    EmailVerified = table.Column<bool>(type: "boolean", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    StatusLivechat = table.Column<string>(type: "text", nullable: true),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    Roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    MaxNumberSimultaneousChat = table.Column<int>(type: "integer", nullable: true),
                    LastRoutingTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    OpenRoomCount = table.Column<int>(type: "integer", nullable: false),
                    UtcOffset = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "visitors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Token = table.Column<string>(type: "text", nullable: false),
                    Username = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true),
                    Email = table.Column<string>(type: "text", nullable: true),
                    Phone = table.Column<string>(type: "text", nullable: true),
                    Department = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Ts = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastChatId = table.Column<string>(type: "text", nullable: true),
                    LastChatTs = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LivechatData = table.Column<string>(type: "text", nullable: true),
                    UserAgent = table.Column<string>(type: "text", nullable: true),
                    Ip = table.Column<string>(type: "text", nullable: true),
                    Host = table.Column<string>(type: "text", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_visitors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_outbox",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    RoomId = table.Column<string>(type: "text", nullable: true),
                    OrderKey = table.Column<long>(type: "bigint", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "login_tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    HashedToken = table.Column<string>(type: "text", nullable: false),
                    When = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: true),
                    Name = table.Column<string>(type: "text", nullable: true),
                    LastTokenPart = table.Column<string>(type: "text", nullable: true),
                    BypassTwoFactor = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_login_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_login_tokens_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_change_events_Audit",
                table: "change_events",
                columns: new[] { "RoomId", "Seq" },
                filter: "\"Audited\"");

            migrationBuilder.CreateIndex(
                name: "IX_change_events_Ts",
                table: "change_events",
                column: "Ts");

            migrationBuilder.CreateIndex(
                name: "IX_change_events_VisitorId",
                table: "change_events",
                column: "VisitorId");

            migrationBuilder.CreateIndex(
                name: "IX_custom_fields_Scope",
                table: "custom_fields",
                column: "Scope");

            migrationBuilder.CreateIndex(
                name: "IX_department_agents_AgentId",
                table: "department_agents",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_department_agents_DepartmentId_AgentId",
                table: "department_agents",
                columns: new[] { "DepartmentId", "AgentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_departments_Name",
                table: "departments",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_ExpiresAt",
                table: "idempotency_keys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_inquiries_Rid",
                table: "inquiries",
                column: "Rid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inquiries_SlaId",
                table: "inquiries",
                column: "SlaId",
                filter: "\"SlaId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_inquiries_Status_Department",
                table: "inquiries",
                columns: new[] { "Status", "Department" });

            migrationBuilder.CreateIndex(
                name: "IX_login_attempts_Ip_Ts",
                table: "login_attempts",
                columns: new[] { "Ip", "Ts" });

            migrationBuilder.CreateIndex(
                name: "IX_login_attempts_Ts",
                table: "login_attempts",
                column: "Ts");

            migrationBuilder.CreateIndex(
                name: "IX_login_attempts_Username_Ts",
                table: "login_attempts",
                columns: new[] { "Username", "Ts" });

            migrationBuilder.CreateIndex(
                name: "IX_login_tokens_HashedToken",
                table: "login_tokens",
                column: "HashedToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_login_tokens_UserId_Type_Name",
                table: "login_tokens",
                columns: new[] { "UserId", "Type", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_messages_Rid_Ts",
                table: "messages",
                columns: new[] { "Rid", "Ts" });

            migrationBuilder.CreateIndex(
                name: "IX_messages_Rid_UpdatedAt",
                table: "messages",
                columns: new[] { "Rid", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_permissions_UpdatedAt",
                table: "permissions",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_priorities_SortItem",
                table: "priorities",
                column: "SortItem",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_room_fields_Key_ValueLower_RoomId",
                table: "room_fields",
                columns: new[] { "Key", "ValueLower", "RoomId" });

            migrationBuilder.CreateIndex(
                name: "IX_room_tags_Tag_RoomId",
                table: "room_tags",
                columns: new[] { "Tag", "RoomId" });

            migrationBuilder.CreateIndex(
                name: "IX_rooms_ClosedAt",
                table: "rooms",
                column: "ClosedAt");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_DepartmentId_Ts",
                table: "rooms",
                columns: new[] { "DepartmentId", "Ts" });

            migrationBuilder.CreateIndex(
                name: "IX_rooms_OneOpenRoomPerVisitor",
                table: "rooms",
                column: "VisitorId",
                unique: true,
                filter: "\"Open\"");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_Open_ServedById",
                table: "rooms",
                columns: new[] { "Open", "ServedById" });

            migrationBuilder.CreateIndex(
                name: "IX_rooms_ServedById_Ts",
                table: "rooms",
                columns: new[] { "ServedById", "Ts" });

            migrationBuilder.CreateIndex(
                name: "IX_rooms_SlaId",
                table: "rooms",
                column: "SlaId",
                filter: "\"SlaId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_Ts",
                table: "rooms",
                column: "Ts");

            migrationBuilder.CreateIndex(
                name: "IX_rooms_VisitorId_Open",
                table: "rooms",
                columns: new[] { "VisitorId", "Open" });

            migrationBuilder.CreateIndex(
                name: "IX_slas_Name",
                table: "slas",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tags_NameKey",
                table: "tags",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_Email",
                table: "users",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_StatusLivechat",
                table: "users",
                column: "StatusLivechat");

            migrationBuilder.CreateIndex(
                name: "IX_users_UsernameKey",
                table: "users",
                column: "UsernameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_visitors_Email",
                table: "visitors",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_visitors_Phone",
                table: "visitors",
                column: "Phone");

            migrationBuilder.CreateIndex(
                name: "IX_visitors_Token",
                table: "visitors",
                column: "Token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_visitors_Ts",
                table: "visitors",
                column: "Ts");

            migrationBuilder.CreateIndex(
                name: "IX_visitors_Username",
                table: "visitors",
                column: "Username");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_outbox_CreatedAt",
                table: "webhook_outbox",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_outbox_RoomId_Status_OrderKey",
                table: "webhook_outbox",
                columns: new[] { "RoomId", "Status", "OrderKey" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_outbox_Status_NextAttemptAt",
                table: "webhook_outbox",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "change_events");

            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.DropTable(
                name: "department_agents");

            migrationBuilder.DropTable(
                name: "departments");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "inquiries");

            migrationBuilder.DropTable(
                name: "login_attempts");

            migrationBuilder.DropTable(
                name: "login_tokens");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "permissions");

            migrationBuilder.DropTable(
                name: "priorities");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "room_fields");

            migrationBuilder.DropTable(
                name: "room_tags");

            migrationBuilder.DropTable(
                name: "rooms");

            migrationBuilder.DropTable(
                name: "settings");

            migrationBuilder.DropTable(
                name: "slas");

            migrationBuilder.DropTable(
                name: "tags");

            migrationBuilder.DropTable(
                name: "visitors");

            migrationBuilder.DropTable(
                name: "webhook_outbox");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
