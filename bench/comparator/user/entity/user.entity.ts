import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// The tutorial's entity, with `!` added because the repository compiles with `strict`.
@Entity()
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({
    length: 50,
  })
  username!: string;

  @Column({
    length: 50,
  })
  password!: string;
}
