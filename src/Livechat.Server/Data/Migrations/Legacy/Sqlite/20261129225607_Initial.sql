CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

CREATE TABLE "custom_fields" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_custom_fields" PRIMARY KEY,
    "Label" TEXT NOT NULL,
    "Scope" TEXT NOT NULL,
    "Visibility" TEXT NOT NULL,
    "Type" TEXT NULL,
    "Regexp" TEXT NULL,
    "Required" INTEGER NULL,
    "DefaultValue" TEXT NULL,
    "Options" TEXT NULL,
    "Public" INTEGER NULL,
    "Searchable" INTEGER NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "department_agents" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_department_agents" PRIMARY KEY,
    "AgentId" TEXT NOT NULL,
    "DepartmentId" TEXT NOT NULL,
    "Username" TEXT NOT NULL,
    "Count" INTEGER NOT NULL,
    "Order" INTEGER NOT NULL,
    "DepartmentEnabled" INTEGER NOT NULL
);

CREATE TABLE "departments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_departments" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "Email" TEXT NOT NULL,
    "Description" TEXT NULL,
    "ShowOnRegistration" INTEGER NOT NULL,
    "ShowOnOfflineForm" INTEGER NOT NULL,
    "RequestTagBeforeClosingChat" INTEGER NULL,
    "ChatClosingTags" TEXT NULL,
    "FallbackForwardDepartment" TEXT NULL,
    "DepartmentsAllowedToForward" TEXT NULL,
    "Archived" INTEGER NOT NULL,
    "NumAgents" INTEGER NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "inquiries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_inquiries" PRIMARY KEY,
    "Rid" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "VisitorId" TEXT NOT NULL,
    "VisitorUsername" TEXT NOT NULL,
    "VisitorToken" TEXT NOT NULL,
    "VisitorStatus" TEXT NOT NULL,
    "Department" TEXT NULL,
    "Ts" TEXT NOT NULL,
    "QueuedAt" TEXT NOT NULL,
    "TakenAt" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "PriorityId" TEXT NULL,
    "PriorityWeight" INTEGER NOT NULL,
    "SlaId" TEXT NULL,
    "EstimatedWaitingTimeQueue" INTEGER NOT NULL,
    "SourceType" TEXT NOT NULL,
    "SourceDestination" TEXT NULL
);

CREATE TABLE "login_attempts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_login_attempts" PRIMARY KEY AUTOINCREMENT,
    "Ip" TEXT NOT NULL,
    "Username" TEXT NULL,
    "Succeeded" INTEGER NOT NULL,
    "Ts" TEXT NOT NULL
);

CREATE TABLE "messages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_messages" PRIMARY KEY,
    "Rid" TEXT NOT NULL,
    "Msg" TEXT NOT NULL,
    "Ts" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Username" TEXT NOT NULL,
    "UserDisplayName" TEXT NULL,
    "Token" TEXT NULL,
    "Alias" TEXT NULL,
    "T" TEXT NULL,
    "Groupable" INTEGER NULL,
    "Unread" INTEGER NULL,
    "PriorityData" TEXT NULL,
    "SlaData" TEXT NULL,
    "DeletedAt" TEXT NULL
);

CREATE TABLE "permissions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_permissions" PRIMARY KEY,
    "Roles" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "priorities" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_priorities" PRIMARY KEY,
    "I18n" TEXT NOT NULL,
    "SortItem" INTEGER NOT NULL,
    "Dirty" INTEGER NOT NULL,
    "Name" TEXT NULL,
    "NameKey" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "roles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_roles" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Scope" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Protected" INTEGER NOT NULL,
    "Mandatory2fa" INTEGER NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "room_fields" (
    "RoomId" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    "ValueLower" TEXT NOT NULL,
    CONSTRAINT "PK_room_fields" PRIMARY KEY ("RoomId", "Key")
);

CREATE TABLE "room_tags" (
    "RoomId" TEXT NOT NULL,
    "Tag" TEXT NOT NULL,
    CONSTRAINT "PK_room_tags" PRIMARY KEY ("RoomId", "Tag")
);

CREATE TABLE "rooms" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_rooms" PRIMARY KEY,
    "Fname" TEXT NOT NULL,
    "Msgs" INTEGER NOT NULL,
    "UsersCount" INTEGER NOT NULL,
    "Ts" TEXT NOT NULL,
    "Lm" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Open" INTEGER NOT NULL,
    "WaitingResponse" INTEGER NOT NULL,
    "VisitorId" TEXT NOT NULL,
    "VisitorUsername" TEXT NOT NULL,
    "VisitorToken" TEXT NOT NULL,
    "VisitorStatus" TEXT NOT NULL,
    "VisitorLastMessageTs" TEXT NULL,
    "ServedById" TEXT NULL,
    "ServedByUsername" TEXT NULL,
    "ServedByTs" TEXT NULL,
    "DepartmentId" TEXT NULL,
    "SourceType" TEXT NOT NULL,
    "SourceDestination" TEXT NULL,
    "QueuedAt" TEXT NULL,
    "ResponseById" TEXT NULL,
    "ResponseByUsername" TEXT NULL,
    "FirstResponseTs" TEXT NULL,
    "ResponseLastMessageTs" TEXT NULL,
    "LastMessage" TEXT NULL,
    "Topic" TEXT NULL,
    "Tags" TEXT NULL,
    "LivechatData" TEXT NULL,
    "PriorityId" TEXT NULL,
    "PriorityWeight" INTEGER NOT NULL,
    "SlaId" TEXT NULL,
    "EstimatedWaitingTimeQueue" INTEGER NOT NULL,
    "Sms" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "ClosedById" TEXT NULL,
    "ClosedByUsername" TEXT NULL,
    "Closer" TEXT NULL,
    "ChatDuration" REAL NULL,
    "ServiceTimeDuration" REAL NULL,
    "CrmData" TEXT NULL,
    "Version" INTEGER NOT NULL
);

CREATE TABLE "settings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_settings" PRIMARY KEY,
    "Value" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "slas" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_slas" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "DueTimeInMinutes" INTEGER NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "tags" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_tags" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "NameKey" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Departments" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "users" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_users" PRIMARY KEY,
    "Username" TEXT NOT NULL,
    "UsernameKey" TEXT NOT NULL,
    "Name" TEXT NULL,
    "Email" TEXT NULL,
    "EmailVerified" INTEGER NOT NULL,
    "Type" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "StatusLivechat" TEXT NULL,
    "Active" INTEGER NOT NULL,
    "Roles" TEXT NOT NULL,
    "PasswordHash" TEXT NULL,
    "MaxNumberSimultaneousChat" INTEGER NULL,
    "LastRoutingTime" TEXT NULL,
    "UtcOffset" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "visitors" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_visitors" PRIMARY KEY,
    "Token" TEXT NOT NULL,
    "Username" TEXT NOT NULL,
    "Name" TEXT NULL,
    "Email" TEXT NULL,
    "Phone" TEXT NULL,
    "Department" TEXT NULL,
    "Status" TEXT NOT NULL,
    "Ts" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "LastChatId" TEXT NULL,
    "LastChatTs" TEXT NULL,
    "LivechatData" TEXT NULL,
    "UserAgent" TEXT NULL,
    "Ip" TEXT NULL,
    "Host" TEXT NULL
);

CREATE TABLE "webhook_outbox" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_webhook_outbox" PRIMARY KEY,
    "Type" TEXT NOT NULL,
    "RoomId" TEXT NULL,
    "Payload" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NOT NULL,
    "LockedUntil" TEXT NULL,
    "Status" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "DeliveredAt" TEXT NULL
);

CREATE TABLE "login_tokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_login_tokens" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "HashedToken" TEXT NOT NULL,
    "When" TEXT NOT NULL,
    "Type" TEXT NULL,
    "Name" TEXT NULL,
    "LastTokenPart" TEXT NULL,
    "BypassTwoFactor" INTEGER NOT NULL,
    CONSTRAINT "FK_login_tokens_users_UserId" FOREIGN KEY ("UserId") REFERENCES "users" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_custom_fields_Scope" ON "custom_fields" ("Scope");

CREATE INDEX "IX_department_agents_AgentId" ON "department_agents" ("AgentId");

CREATE UNIQUE INDEX "IX_department_agents_DepartmentId_AgentId" ON "department_agents" ("DepartmentId", "AgentId");

CREATE INDEX "IX_departments_Name" ON "departments" ("Name");

CREATE UNIQUE INDEX "IX_inquiries_Rid" ON "inquiries" ("Rid");

CREATE INDEX "IX_inquiries_SlaId" ON "inquiries" ("SlaId");

CREATE INDEX "IX_inquiries_Status_Department" ON "inquiries" ("Status", "Department");

CREATE INDEX "IX_login_attempts_Ip_Ts" ON "login_attempts" ("Ip", "Ts");

CREATE INDEX "IX_login_attempts_Username_Ts" ON "login_attempts" ("Username", "Ts");

CREATE UNIQUE INDEX "IX_login_tokens_HashedToken" ON "login_tokens" ("HashedToken");

CREATE INDEX "IX_login_tokens_UserId_Type_Name" ON "login_tokens" ("UserId", "Type", "Name");

CREATE INDEX "IX_messages_Rid_Ts" ON "messages" ("Rid", "Ts");

CREATE INDEX "IX_messages_Rid_UpdatedAt" ON "messages" ("Rid", "UpdatedAt");

CREATE INDEX "IX_permissions_UpdatedAt" ON "permissions" ("UpdatedAt");

CREATE UNIQUE INDEX "IX_priorities_SortItem" ON "priorities" ("SortItem");

CREATE INDEX "IX_room_fields_Key_ValueLower_RoomId" ON "room_fields" ("Key", "ValueLower", "RoomId");

CREATE INDEX "IX_room_tags_Tag_RoomId" ON "room_tags" ("Tag", "RoomId");

CREATE INDEX "IX_rooms_ClosedAt" ON "rooms" ("ClosedAt");

CREATE INDEX "IX_rooms_DepartmentId_Ts" ON "rooms" ("DepartmentId", "Ts");

CREATE UNIQUE INDEX "IX_rooms_OneOpenRoomPerVisitor" ON "rooms" ("VisitorId") WHERE "Open";

CREATE INDEX "IX_rooms_Open_ServedById" ON "rooms" ("Open", "ServedById");

CREATE INDEX "IX_rooms_PriorityId" ON "rooms" ("PriorityId");

CREATE INDEX "IX_rooms_ServedById_Ts" ON "rooms" ("ServedById", "Ts");

CREATE INDEX "IX_rooms_SlaId" ON "rooms" ("SlaId");

CREATE INDEX "IX_rooms_Ts" ON "rooms" ("Ts");

CREATE INDEX "IX_rooms_VisitorId_Open" ON "rooms" ("VisitorId", "Open");

CREATE UNIQUE INDEX "IX_slas_Name" ON "slas" ("Name");

CREATE UNIQUE INDEX "IX_tags_NameKey" ON "tags" ("NameKey");

CREATE UNIQUE INDEX "IX_users_Email" ON "users" ("Email");

CREATE INDEX "IX_users_StatusLivechat" ON "users" ("StatusLivechat");

CREATE UNIQUE INDEX "IX_users_UsernameKey" ON "users" ("UsernameKey");

CREATE INDEX "IX_visitors_Email" ON "visitors" ("Email");

CREATE INDEX "IX_visitors_Phone" ON "visitors" ("Phone");

CREATE UNIQUE INDEX "IX_visitors_Token" ON "visitors" ("Token");

CREATE INDEX "IX_visitors_Ts" ON "visitors" ("Ts");

CREATE INDEX "IX_visitors_Username" ON "visitors" ("Username");

CREATE INDEX "IX_webhook_outbox_Status_NextAttemptAt" ON "webhook_outbox" ("Status", "NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129225607_Initial', '10.0.15');

